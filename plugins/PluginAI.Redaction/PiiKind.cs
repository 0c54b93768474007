namespace PluginAI.Redaction;

internal enum PiiKind
{
    Email,
    Iban,
    Card,
    Phone,
}
