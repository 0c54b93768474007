using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime.Ingestion;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai ingest</c>: parses, chunks, embeds and stores a folder of documents.</summary>
internal static class IngestCommand
{
    private static readonly System.Text.Json.JsonSerializerOptions s_events = new(JsonOutput.Options) { WriteIndented = false };

    public static Command Create(CliConsole console)
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "The folder of documents to ingest." };
        var kb = KnowledgeOptions.KnowledgeBase();
        var include = new Option<string[]>("--include") { Description = "Only files matching this glob, such as '**/*.md' (repeatable)." };
        var exclude = new Option<string[]>("--exclude") { Description = "Leave out files matching this glob (repeatable); .pluginaiignore files add more." };
        var maxSize = new Option<int>("--max-file-size") { Description = "Skip files larger than this many MiB.", DefaultValueFactory = _ => 64 };
        var followLinks = new Option<bool>("--follow-links") { Description = "Follow symbolic links that lead outside the folder (by default they are skipped with the reason)." };
        var json = PluginAICommand.JsonOption();
        json.Description = "Write the report as JSON on standard output, and progress events as JSON lines on standard error.";
        var cluster = ClusterCommand.ClusterOption();
        cluster.Description = "Send the documents to a PluginAI cluster through this gateway (HOST:PORT or redis://HOST:PORT) instead of this machine's knowledge base: the nodes parse, chunk and embed them and each is stored on two nodes.";
        var secretFile = ClusterCommand.SecretFileOption();
        var command = new Command("ingest", "Add a folder of documents to a knowledge base; unchanged files are skipped, deleted ones removed.") { folder, kb, include, exclude, maxSize, followLinks, json, cluster, secretFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new IngestionOptions
            {
                Folder = parse.GetValue(folder)!.FullName,
                KnowledgeBase = parse.GetValue(kb)!,
                MaxFileBytes = parse.GetValue(maxSize) * 1024L * 1024,
                FollowLinks = parse.GetValue(followLinks),
            };
            foreach (var glob in parse.GetValue(include) ?? [])
            {
                options.Include.Add(glob);
            }

            foreach (var glob in parse.GetValue(exclude) ?? [])
            {
                options.Exclude.Add(glob);
            }

            if (parse.GetValue(cluster) is { } gateway)
            {
                return await ClusterCommand.IngestAsync(console, gateway, ClusterCommand.ReadSecret(parse.GetValue(secretFile)), options, parse.GetValue(json), cancellationToken).ConfigureAwait(false);
            }

            await using var services = CliServices.Create(parse);
            var report = await RunAsync(console, services.GetRequiredService<IngestionService>(), options, showProgress: !parse.GetValue(json), cancellationToken, jsonProgress: parse.GetValue(json)).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, report);
            }
            else
            {
                Render(console.Console, report);
            }

            return 0;
        });
        return command;
    }

    public static async Task<IngestionReport> RunAsync(CliConsole console, IngestionService ingestion, IngestionOptions options, bool showProgress, CancellationToken cancellationToken, bool jsonProgress = false)
    {
        if (!showProgress)
        {
            var events = jsonProgress ? new InlineProgress<IngestionProgress>(p => WriteEvent(console.Error, p)) : null;
            return await ingestion.IngestFolderAsync(options, events, cancellationToken).ConfigureAwait(false);
        }

        IngestionReport? report = null;
        await console.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Ingesting {Path.GetFileName(options.Folder.TrimEnd('/'))}", maxValue: 1);
                var started = DateTime.UtcNow;
                // Reported synchronously from the workers: Progress<T> would post to the thread pool and could fall behind.
                ProgressTask? part = null;
                var progress = new InlineProgress<IngestionProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.FilesTotal);
                    task.Value = p.FilesDone;
                    var seconds = Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{p.FilesDone}/{p.FilesTotal} files, {p.Chunks} chunks, {p.FilesDone / seconds:0.0} files/s");
                    if (p.Kind == IngestionEventKind.Part && p.DocumentChunksTotal is { } chunks)
                    {
                        // A large document gets a bar of its own, by chunks embedded and kept.
                        part ??= context.AddTask(Markup.Escape(Path.GetFileName(p.CurrentFile ?? string.Empty)), maxValue: chunks);
                        part.MaxValue = Math.Max(1, chunks);
                        part.Value = p.DocumentChunksDone ?? 0;
                        part.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(p.CurrentFile ?? string.Empty)}: {p.DocumentChunksDone}/{chunks} chunks"));
                        if (p.DocumentChunksDone >= chunks)
                        {
                            part.StopTask();
                            part = null;
                        }
                    }
                    else if (p.Kind == IngestionEventKind.Waiting)
                    {
                        task.Description = Markup.Escape($"waiting for {p.CurrentFile}, {p.Reason}");
                    }
                });
                report = await ingestion.IngestFolderAsync(options, progress, cancellationToken).ConfigureAwait(false);
                task.MaxValue = Math.Max(1, report.Files);
                task.Value = task.MaxValue;
                task.Description = string.Create(CultureInfo.InvariantCulture, $"{report.Files} files, {report.Chunks} chunks stored, {report.Unchanged} unchanged, {report.Elapsed.TotalSeconds:0.0} s");
            }).ConfigureAwait(false);
        return report!;
    }

    public static void Render(IAnsiConsole console, IngestionReport report)
    {
        var table = new Table().RoundedBorder().Title($"[bold]Ingested into '{Markup.Escape(report.KnowledgeBase)}'[/]").HideHeaders();
        table.AddColumn("What");
        table.AddColumn("Count");
        table.AddRow("Files found", report.Files.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Added", report.Added.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Updated", report.Updated.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Unchanged", report.Unchanged.ToString(CultureInfo.InvariantCulture));
        if (report.StoredElsewhere > 0)
        {
            table.AddRow("Stored by another ingestion", report.StoredElsewhere.ToString(CultureInfo.InvariantCulture));
        }

        if (report.Resumed > 0)
        {
            table.AddRow("Resumed large documents", report.Resumed.ToString(CultureInfo.InvariantCulture));
        }

        table.AddRow("Removed", report.Removed.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Skipped", report.Skipped.Count.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Chunks stored", report.Chunks.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Time", string.Create(CultureInfo.InvariantCulture, $"{report.Elapsed.TotalSeconds:0.00} s (parse {report.ParseTime.TotalSeconds:0.00} s, embed {report.EmbedTime.TotalSeconds:0.00} s, store {report.StoreTime.TotalSeconds:0.00} s)"));
        console.Write(table);
        if (report.Skipped.Count > 0)
        {
            var skipped = new Table().RoundedBorder().Title("[bold yellow]Skipped[/]");
            skipped.AddColumn("File");
            skipped.AddColumn("Why");
            foreach (var s in report.Skipped)
            {
                skipped.AddRow(new Text(s.Path), new Text(s.Reason));
            }

            console.Write(skipped);
        }
    }

    private static void WriteEvent(TextWriter writer, IngestionProgress progress)
    {
        writer.WriteLine(System.Text.Json.JsonSerializer.Serialize(
            new
            {
                @event = JsonNamingPolicyLower(progress.Kind),
                file = progress.CurrentFile,
                filesDone = progress.FilesDone,
                filesTotal = progress.FilesTotal,
                chunks = progress.Chunks,
                chunksDone = progress.DocumentChunksDone,
                chunksTotal = progress.DocumentChunksTotal,
                reason = progress.Reason,
            },
            s_events));
        writer.Flush();
    }

    private static string JsonNamingPolicyLower(IngestionEventKind kind) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());
}
