using System.CommandLine;
using PluginAI.Registry;
using PluginAI.Trust;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai models pack</c>: pack a GGUF model into a model package that <c>models pull pkg:ID</c> fetches from a package source.</summary>
internal static class ModelsPackCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Argument<FileInfo>("model") { Description = "The .gguf file to pack." };
        var id = new Option<string>("--id") { Description = "The package id, such as Acme.TinyStories.", Required = true };
        var version = new Option<string>("--version") { Description = "The package version, such as 1.0.0.", Required = true };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Where to write the .nupkg. Default: the current folder." };
        var key = new Option<string?>("--key") { Description = "Sign with this publisher key: a name from 'pluginai keys new' or a *.key.json file." };
        var description = new Option<string?>("--description") { Description = "The package description." };
        var license = new Option<string?>("--license") { Description = "The licence of the model weights, recorded in the manifest." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("pack", "Pack a GGUF model into a model package (pluginai-model.json with the file's SHA-256, optionally signed) for a package source.")
        {
            model, id, version, output, key, description, license, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = new PluginAIPaths(parse.GetValue(PluginAICommand.HomeOption));
            var outputDirectory = parse.GetValue(output)?.FullName ?? Directory.GetCurrentDirectory();
            Directory.CreateDirectory(outputDirectory);
            using var signingKey = parse.GetValue(key) is { } keyName ? new KeyStore(paths).LoadPrivateKey(keyName) : null;
            var (package, manifest) = await ModelPackageBuilder.BuildAsync(
                parse.GetValue(model)!.FullName, parse.GetValue(id)!, parse.GetValue(version)!, outputDirectory + Path.DirectorySeparatorChar, signingKey, parse.GetValue(description), parse.GetValue(license), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { package, manifest.Id, manifest.Version, file = manifest.File, sha256 = manifest.ModelFile.Sha256, bytes = manifest.ModelFile.Size, signedBy = signingKey?.KeyId });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Packed model [bold]{manifest.Id} {manifest.Version}[/] -> {package}");
                console.Console.MarkupLineInterpolated($"  {manifest.File}: SHA-256 {manifest.ModelFile.Sha256} in {ModelPackageManifest.FileName}; {(signingKey is null ? "unsigned (sign it with 'pluginai sign')" : $"signed by {signingKey.Name} ({signingKey.KeyId})")}");
            }

            return 0;
        });
        return command;
    }
}
