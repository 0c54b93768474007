using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using PluginAI.Processing;
using Scriban;
using Scriban.Runtime;

namespace PluginAI.Prompting;

/// <summary>Renders the system and user messages from the question and the retrieved passages, after retrieval.</summary>
/// <remarks>
/// Templates are looked up in order: the prompt's <c>template</c> / <c>system</c> settings
/// (<see cref="PromptContext.AdditionalProperties"/>, template text), then <c>answer.scriban</c> / <c>system.scriban</c> in
/// the plugin's data folder, then the built-in ones. The user template sees <c>question</c> and <c>passages</c>
/// (<c>number</c>, <c>source</c>, <c>page</c>, <c>section</c>, <c>text</c>, <c>score</c>). Parsed templates are cached by text.
/// </remarks>
internal sealed class TemplatePreprocessor(string dataDirectory) : Preprocessor
{
    public const string TemplateKey = "template";
    public const string SystemKey = "system";

    private readonly ConcurrentDictionary<string, Template> _parsed = new(StringComparer.Ordinal);

    public override PreprocessorMetadata Metadata { get; } = new("scriban-prompt") { HandlesPrompts = true, Order = 300 };

    public override Task<PromptContext> ProcessPromptAsync(PromptContext prompt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        cancellationToken.ThrowIfCancellationRequested();
        if (prompt.Stage != PromptStage.AfterRetrieval || prompt.Messages.Count > 0)
        {
            return Task.FromResult(prompt);
        }

        var (userText, userSource) = Resolve(prompt, TemplateKey, "answer.scriban");
        var (systemText, systemSource) = Resolve(prompt, SystemKey, "system.scriban");
        var model = new ScriptObject
        {
            ["question"] = prompt.Question,
            ["passages"] = prompt.Passages.Select((p, i) => new ScriptObject
            {
                ["number"] = i + 1,
                ["source"] = p.SourcePath,
                ["page"] = p.Page,
                ["section"] = p.Section,
                ["text"] = p.Text.Trim(),
                ["score"] = p.Score,
            }).ToList(),
        };

        var system = Render(systemText, systemSource, model).Trim();
        var user = Render(userText, userSource, model).Trim();
        List<ChatMessage> messages = system.Length > 0
            ? [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, user)]
            : [new ChatMessage(ChatRole.User, user)];
        return Task.FromResult(prompt with { Messages = messages });
    }

    private (string Text, string Source) Resolve(PromptContext prompt, string key, string file)
    {
        if (prompt.AdditionalProperties?.TryGetValue(key, out var value) == true && value is string text)
        {
            return (text, $"the '{key}' template given with the question");
        }

        var path = Path.Combine(dataDirectory, file);
        if (File.Exists(path))
        {
            return (File.ReadAllText(path), path);
        }

        using var stream = typeof(TemplatePreprocessor).Assembly.GetManifestResourceStream(file)
            ?? throw new InvalidOperationException($"The built-in template {file} is missing from the plugin assembly.");
        using var reader = new StreamReader(stream);
        return (reader.ReadToEnd(), $"the built-in {file}");
    }

    private string Render(string text, string source, ScriptObject model)
    {
        var template = _parsed.GetOrAdd(text, static t => Template.Parse(t));
        if (template.HasErrors)
        {
            throw new PluginException($"{source}: the template has errors: {string.Join("; ", template.Messages.Select(m => m.ToString()))}") { FilePath = File.Exists(source) ? source : null, ErrorCode = "template.syntax" };
        }

        var context = new TemplateContext { StrictVariables = true, LoopLimit = 10_000 };
        context.PushGlobal(model);
        try
        {
            return template.Render(context);
        }
        catch (Scriban.Syntax.ScriptRuntimeException ex)
        {
            throw new PluginException($"{source}: the template failed: {ex.Message}. It can use 'question' and 'passages' (number, source, page, section, text, score).", ex) { FilePath = File.Exists(source) ? source : null, ErrorCode = "template.runtime" };
        }
    }
}
