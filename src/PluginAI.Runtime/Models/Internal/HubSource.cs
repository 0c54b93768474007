using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using PluginAI.Hardware;

namespace PluginAI.Runtime.Models.Internal;

/// <summary>
/// Finds a GGUF file in a Hugging Face-style repository: the file listing
/// <c>GET {endpoint}/api/models/{owner}/{repo}/tree/main?recursive=true</c> gives each file's path, size and, for
/// files stored in LFS, <c>lfs.oid</c> (the SHA-256 of the content); the file is downloaded from
/// <c>{endpoint}/{owner}/{repo}/resolve/main/{path}</c>.
/// </summary>
internal static partial class HubSource
{
    /// <summary>Weights are memory-mapped, but the KV cache, the runtime and the rest of the machine need room too.</summary>
    private const double RamShare = 0.75;
    private const double AcceleratorShare = 0.9;

    public static bool TryParse(string source, out string repository, out string? selector)
    {
        repository = string.Empty;
        selector = null;
        if (!source.StartsWith("hf:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = source[3..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            selector = rest[(colon + 1)..];
            rest = rest[..colon];
        }

        if (!RepositoryPattern().IsMatch(rest) || rest.Contains("..", StringComparison.Ordinal) || selector is "")
        {
            throw new PluginException($"'{source}' is not a Hugging Face source; expected hf:OWNER/REPO, hf:OWNER/REPO:QUANT (such as Q4_K_M) or hf:OWNER/REPO:FILE.gguf.") { ErrorCode = "pull.source" };
        }

        repository = rest;
        return true;
    }

    public static async Task<HubFile> ResolveAsync(HttpClient http, Uri endpoint, string? token, string repository, string? selector, HardwareProfile hardware, CancellationToken cancellationToken)
    {
        var listingUrl = new Uri(endpoint, $"api/models/{repository}/tree/main?recursive=true");
        List<Entry> entries;
        using var request = new HttpRequestMessage(HttpMethod.Get, listingUrl);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        HttpResponseMessage sent;
        try
        {
            sent = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new PluginException($"{listingUrl}: cannot reach the hub: {ex.Message}", ex) { ErrorCode = "pull.unreachable" };
        }

        using (var response = sent)
        {
            HttpErrors.ThrowIfFailed(response, listingUrl, $"the repository '{repository}'");
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            HttpErrors.ThrowIfHtml(response, body.AsSpan(), listingUrl);
            try
            {
                entries = JsonSerializer.Deserialize<List<Entry>>(body, s_json) ?? [];
            }
            catch (JsonException ex)
            {
                throw new PluginException($"{listingUrl}: the file listing is not the JSON a Hugging Face hub returns ({ex.Message}).", ex) { ErrorCode = "pull.listing" };
            }
        }

        var ggufs = entries
            .Where(e => e is { Type: "file", Path: not null } && e.Path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            .Where(e => !SplitPartPattern().IsMatch(e.Path!) && !e.Path!.Contains("mmproj", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (ggufs.Count == 0)
        {
            throw new PluginException($"{listingUrl}: the repository '{repository}' has no single-file GGUF model (split models and vision projectors are not pulled).") { ErrorCode = "pull.no-gguf" };
        }

        Entry chosen;
        string choice;
        var named = selector is null ? null : ggufs.FirstOrDefault(e => string.Equals(e.Path, selector, StringComparison.OrdinalIgnoreCase) || string.Equals(Path.GetFileName(e.Path), selector, StringComparison.OrdinalIgnoreCase));
        if (named is not null)
        {
            chosen = named;
            choice = $"{chosen.Path}, as named";
        }
        else
        {
            var candidates = selector is null ? ggufs : ggufs.Where(e => QuantMatches(e.Path!, selector)).ToList();
            if (candidates.Count == 0)
            {
                throw new PluginException($"{listingUrl}: no GGUF file in '{repository}' matches '{selector}'; the repository has {string.Join(", ", ggufs.Select(e => e.Path))}.") { ErrorCode = "pull.no-match" };
            }

            (chosen, choice) = ChooseBySize(candidates, hardware, selector);
        }

        if (chosen.Size is null or < 0)
        {
            throw new PluginException($"{listingUrl}: the listing gives no size for {chosen.Path}.") { ErrorCode = "pull.listing" };
        }

        var sha = chosen.Lfs?.Oid ?? chosen.Lfs?.Sha256;
        var fileUrl = new Uri(endpoint, $"{repository}/resolve/main/{string.Join('/', chosen.Path!.Split('/').Select(Uri.EscapeDataString))}");
        return new HubFile(fileUrl, Path.GetFileName(chosen.Path!), chosen.Lfs?.Size ?? chosen.Size, sha, SendToken: true, choice);
    }

    private static (Entry File, string Why) ChooseBySize(List<Entry> candidates, HardwareProfile hardware, string? selector)
    {
        var ram = (long)(hardware.Memory.TotalBytes * RamShare);
        var accelerator = hardware.Accelerators.Count == 0 ? 0 : (long)(hardware.Accelerators.Max(a => a.MemoryBytes) * AcceleratorShare);
        var budget = Math.Max(ram, accelerator);
        var where = accelerator > ram
            ? $"{AcceleratorShare:P0} of the largest accelerator's {Size(hardware.Accelerators.Max(a => a.MemoryBytes))}"
            : $"{RamShare:P0} of this machine's {Size(hardware.Memory.TotalBytes)} of RAM";
        var among = selector is null ? $"{candidates.Count} GGUF files" : $"{candidates.Count} files matching {selector}";
        var fitting = candidates.Where(e => e.Size <= budget).OrderByDescending(e => e.Size).FirstOrDefault();
        if (fitting is not null)
        {
            return (fitting, $"{fitting.Path} ({Size(fitting.Size!.Value)}): the largest of {among} that fits in {where} ({Size(budget)})");
        }

        var smallest = candidates.OrderBy(e => e.Size).First();
        return (smallest, $"{smallest.Path} ({Size(smallest.Size ?? 0)}): the smallest of {among}; none fits in {where} ({Size(budget)}), so it will run from memory-mapped weights, slowly");
    }

    private static bool QuantMatches(string path, string selector)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var index = name.IndexOf(selector, StringComparison.OrdinalIgnoreCase);
        while (index >= 0)
        {
            var end = index + selector.Length;
            var before = index == 0 || !char.IsLetterOrDigit(name[index - 1]);
            var after = end == name.Length || !char.IsLetterOrDigit(name[end]) && name[end] != '_';
            if (before && after)
            {
                return true;
            }

            index = name.IndexOf(selector, index + 1, StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    internal static string Size(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB");

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"-\d{5}-of-\d{5}\.gguf$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SplitPartPattern();

    private sealed record Entry(string? Type, string? Path, long? Size, Lfs? Lfs);

    private sealed record Lfs(string? Oid, string? Sha256, long? Size);
}
