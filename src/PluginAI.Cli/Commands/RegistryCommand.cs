using System.CommandLine;
using Microsoft.Extensions.Logging;
using PluginAI.Registry.Server;
using PluginAI.Trust;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai registry serve</c>: a NuGet v3 plugin registry over a folder of packages.</summary>
internal static class RegistryCommand
{
    public const string ApiKeysVariable = "PLUGINAI_REGISTRY_API_KEYS";

    public static Command Create(CliConsole console)
    {
        var command = new Command("registry", "Run a plugin registry.");
        var root = new Option<DirectoryInfo?>("--root") { Description = "The folder of packages and the SQLite index. Default: registry in the home folder." };
        var urls = new Option<string[]>("--urls") { Description = "Addresses to listen on. Default: http://127.0.0.1:5225 (this machine only).", AllowMultipleArgumentsPerToken = true };
        var apiKeys = new Option<string[]>("--api-key") { Description = $"An API key that may push (repeatable; also ${ApiKeysVariable}, comma-separated, or --api-key-file). Required to listen beyond this machine. A key given here is visible to other users of this machine in the process list: prefer --api-key-file or the variable." };
        var apiKeyFile = new Option<FileInfo?>("--api-key-file") { Description = "A file of API keys that may push, one a line ('#' starts a comment); keep it readable by you alone." };
        var key = new Option<string?>("--key") { Description = "The key that signs the registry index: a name from 'pluginai keys new' or a *.key.json file. Default: the key named 'registry', created on first use." };
        var name = new Option<string>("--name") { Description = "The registry's name in its signed index.", DefaultValueFactory = _ => "pluginai" };
        var lifetime = new Option<int>("--index-lifetime-days") { Description = "How long a signed index stays valid; clients refuse an expired one.", DefaultValueFactory = _ => 7 };
        var requireSigned = new Option<bool>("--require-signed") { Description = "Refuse pushed packages that no publisher in this machine's trust policy signed." };
        var json = PluginAICommand.JsonOption();
        var serve = new Command("serve", "Serve a NuGet v3 feed of plugin packages (dotnet nuget push, dotnet add package and NuGet clients work) plus PluginAI's signed index, certifications and contributor ledger.")
        {
            root, urls, apiKeys, apiKeyFile, key, name, lifetime, requireSigned, json,
        };
        serve.SetAction(async (parse, cancellationToken) =>
        {
            var paths = RegistryFactory.Paths(parse);
            var folder = parse.GetValue(root)?.FullName ?? Path.Combine(paths.Home, "registry");
            Directory.CreateDirectory(folder);
            if (parse.GetValue(lifetime) < 1)
            {
                throw new CliException($"--index-lifetime-days is {parse.GetValue(lifetime)}; expected a whole number of days, 1 or more (clients refuse an index once it expires)");
            }

            var keys = ApiKeyFile.Collect(parse.GetValue(apiKeys), ApiKeysVariable, parse.GetValue(apiKeyFile));
            var listen = parse.GetValue(urls) is { Length: > 0 } given ? given : ["http://127.0.0.1:5225"];
            CheckListenAddresses(listen, keys.Count > 0);
            using var signingKey = LoadOrCreateRegistryKey(paths, parse.GetValue(key), out var created);
            var policy = TrustPolicy.Load(paths.TrustPolicyFile);
            var options = new RegistryServerOptions
            {
                PackagesDirectory = folder,
                Urls = listen,
                ApiKeys = keys,
                RegistryName = parse.GetValue(name)!,
                IndexLifetime = TimeSpan.FromDays(parse.GetValue(lifetime)),
                SignIndex = payload => SignedEnvelope.Sign(SignedEnvelope.IndexPayloadType, payload.Span, signingKey).ToJson(),
                PushValidators = [new ContentPushValidator(policy, parse.GetValue(requireSigned))],
            };
            var verbose = parse.GetValue(PluginAICommand.VerboseOption);
            using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true));
            await using var server = await RegistryServer.StartAsync(options, loggerFactory, cancellationToken).ConfigureAwait(false);
            var publicKeyFile = new KeyStore(paths).PublicKeyPath(signingKey.Name);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { serviceIndex = server.ServiceIndexUri, addresses = server.Addresses, root = folder, indexKeyId = signingKey.KeyId, indexPublicKey = publicKeyFile, pushEnabled = keys.Count > 0 });
            }
            else
            {
                var table = new Table().RoundedBorder().Title("[bold]PluginAI registry[/]").HideHeaders();
                table.AddColumn("What");
                table.AddColumn("Value");
                table.AddRow("Service index", server.ServiceIndexUri.ToString());
                table.AddRow("Packages", folder);
                table.AddRow("Push", keys.Count > 0 ? $"enabled for {keys.Count} API key(s)" : "disabled: pass --api-key to allow dotnet nuget push");
                table.AddRow("Index signed by", $"{signingKey.Name} ({signingKey.KeyId}){(created ? ", created now" : string.Empty)}");
                table.AddRow("Clients trust it with", $"pluginai keys trust {publicKeyFile} --role registry");
                table.AddRow("Pushed packages", parse.GetValue(requireSigned) ? "must be signed by a trusted publisher" : "must match their manifest; signatures are checked by the installing client");
                console.Console.Write(table);
                console.Console.MarkupLine("Press Ctrl+C to stop.");
            }

            try
            {
                await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        });
        command.Subcommands.Add(serve);
        return command;
    }

    private static void CheckListenAddresses(IReadOnlyList<string> urls, bool hasKeys)
    {
        foreach (var url in urls)
        {
            if (!PluginAI.Server.PluginAIServer.TryParseListenAddress(url, out _))
            {
                throw new CliException($"--urls '{url}' is not a listen address; expected http://HOST:PORT, such as http://127.0.0.1:5225 (this machine only) or http://0.0.0.0:5225 (with --api-key-file).");
            }
        }

        var exposed = urls.Where(u => !RegistryServer.IsLoopback(u)).ToList();
        if (exposed.Count > 0 && !hasKeys)
        {
            throw new CliException(
                $"Refusing to listen on {string.Join(", ", exposed)}: the address is reachable from other machines and no API key is set. " +
                $"Give keys with --api-key-file (or {ApiKeysVariable}), or listen on this machine only, such as http://127.0.0.1:5225.");
        }
    }

    private static SigningKey LoadOrCreateRegistryKey(PluginAIPaths paths, string? nameOrPath, out bool created)
    {
        var store = new KeyStore(paths);
        if (nameOrPath is not null)
        {
            created = false;
            return store.LoadPrivateKey(nameOrPath);
        }

        return store.LoadOrCreate("registry", out created);
    }
}
