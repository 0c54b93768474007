using PluginAI.Registry;
using PluginAI.Trust;
using PluginAI.Trust.Content;

namespace PluginAI.Registry.Server;

/// <summary>
/// Refuses a pushed plugin or model package whose files do not match its manifest's hashes, whose signature does not match its
/// manifest, or whose layout is unsafe (path traversal, links, entries outside <c>plugin/</c>); optionally also one that
/// is not signed by a publisher the server's trust policy trusts.
/// </summary>
/// <param name="policy">The server's trust policy.</param>
/// <param name="requireTrustedSignature">Whether unsigned packages and packages signed by keys the policy does not trust are refused.</param>
public sealed class ContentPushValidator(TrustPolicy policy, bool requireTrustedSignature) : IPushValidator
{
    /// <inheritdoc />
    public ValueTask<PushValidationResult> ValidateAsync(PushedPackage package, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        try
        {
            using var reader = PluginPackageReader.Open(package.FilePath);
            reader.EnsureNoExtraEntries();
            var result = reader.IsModelPackage
                ? reader.VerifyModel(policy, allowUnsigned: !requireTrustedSignature, cancellationToken: cancellationToken)
                : reader.Verify(policy, allowUnsigned: !requireTrustedSignature, cancellationToken: cancellationToken);
            return ValueTask.FromResult(result.IsAccepted
                ? PushValidationResult.Success
                : PushValidationResult.Refuse(string.Join("; ", result.Problems.Where(p => !p.Allowed))));
        }
        catch (Exception ex) when (ex is RegistryException or TrustException or InvalidDataException or IOException)
        {
            return ValueTask.FromResult(PushValidationResult.Refuse(ex.Message));
        }
    }
}
