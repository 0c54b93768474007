namespace PluginAI.Contributors;

/// <summary>An issue read from an export: who opened it and when.</summary>
/// <param name="Login">The login of the person who opened the issue.</param>
/// <param name="CreatedAt">When the issue was opened.</param>
public sealed record ImportedIssue(string Login, DateTimeOffset CreatedAt);
