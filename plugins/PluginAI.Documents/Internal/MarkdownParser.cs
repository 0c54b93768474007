using System.Globalization;
using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.Extensions.Logging;
using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>Reads Markdown with Markdig: headings make the section path, every other top-level block a section of plain text.</summary>
/// <remarks>
/// Inline markup is dropped (emphasis, link targets, images keep their alt text); list items keep a <c>- </c> or
/// <c>1. </c> marker and their nesting; code blocks keep their lines; table rows become <c>a | b</c> lines. Raw HTML
/// blocks are dropped. The title is the <c>title:</c> of YAML front matter, else the first level-1 heading.
/// </remarks>
internal sealed class MarkdownParser(ILogger logger) : DocumentParser
{
    private static readonly MarkdownPipeline s_pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseGridTables()
        .UseYamlFrontMatter()
        .UseTaskLists()
        .UseEmphasisExtras()
        .UseDefinitionLists()
        .UseFootnotes()
        .Build();

    public override PreprocessorMetadata Metadata { get; } = new("markdown")
    {
        Order = 100,
        MediaTypes = [DocumentMediaTypes.Markdown, "text/x-markdown"],
        Extensions = [".md", ".markdown", ".mdown", ".mkd"],
    };

    protected override string FormatName => "Markdown";

    protected override DocumentContent Parse(DocumentContent document, CancellationToken cancellationToken)
    {
        var text = TextDecoder.Decode(document, logger);
        var markdown = Markdown.Parse(text, s_pipeline);
        var sections = new SectionWriter();
        var headings = new HeadingPath();
        var buffer = new StringBuilder();
        string? title = null;
        foreach (var block in markdown)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (block)
            {
                case YamlFrontMatterBlock frontMatter:
                    title ??= FrontMatterTitle(frontMatter);
                    break;
                case HeadingBlock heading:
                    buffer.Clear();
                    AppendInlines(heading.Inline, buffer);
                    var headingText = buffer.ToString();
                    headings.Enter(heading.Level, headingText);
                    if (heading.Level == 1)
                    {
                        title ??= TextUtilities.CollapseWhiteSpace(headingText);
                    }

                    sections.Add(headingText, headings.Current);
                    break;
                default:
                    buffer.Clear();
                    AppendBlock(block, buffer, string.Empty);
                    sections.Add(buffer.ToString(), headings.Current);
                    break;
            }
        }

        return document with { Title = title ?? document.Title, Sections = sections.ToSections() };
    }

    private static void AppendBlock(Block block, StringBuilder output, string indent)
    {
        switch (block)
        {
            case HtmlBlock or ThematicBreakBlock or YamlFrontMatterBlock or LinkReferenceDefinitionGroup:
                break;
            case Table table:
                foreach (var row in table.OfType<TableRow>())
                {
                    output.Append(indent);
                    var first = true;
                    foreach (var cell in row.OfType<TableCell>())
                    {
                        if (!first)
                        {
                            output.Append(" | ");
                        }

                        first = false;
                        var cellText = new StringBuilder();
                        foreach (var child in cell)
                        {
                            AppendBlock(child, cellText, string.Empty);
                        }

                        output.Append(TextUtilities.CollapseWhiteSpace(cellText.ToString()));
                    }

                    output.Append('\n');
                }

                break;
            case ListBlock list:
                var number = int.TryParse(list.OrderedStart, NumberStyles.Integer, CultureInfo.InvariantCulture, out var start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    output.Append(indent).Append(list.IsOrdered ? $"{number++}. " : "- ");
                    var childIndent = indent + "  ";
                    var firstChild = true;
                    foreach (var child in item)
                    {
                        AppendBlock(child, output, firstChild ? string.Empty : childIndent);
                        firstChild = false;
                    }
                }

                break;
            case CodeBlock code:
                foreach (var line in code.Lines.Lines.AsSpan(0, code.Lines.Count))
                {
                    output.Append(indent).Append(line.Slice.AsSpan()).Append('\n');
                }

                break;
            case LeafBlock leaf:
                output.Append(indent);
                if (leaf.Inline is not null)
                {
                    AppendInlines(leaf.Inline, output);
                }
                else
                {
                    output.Append(leaf.Lines.ToString());
                }

                output.Append('\n');
                break;
            case ContainerBlock container:
                foreach (var child in container)
                {
                    AppendBlock(child, output, indent);
                }

                break;
        }
    }

    private static void AppendInlines(ContainerInline? container, StringBuilder output)
    {
        if (container is null)
        {
            return;
        }

        foreach (var inline in container)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    output.Append(literal.Content.AsSpan());
                    break;
                case CodeInline code:
                    output.Append(code.Content);
                    break;
                case LineBreakInline lineBreak:
                    output.Append(lineBreak.IsHard ? '\n' : ' ');
                    break;
                case HtmlEntityInline entity:
                    output.Append(entity.Transcoded.AsSpan());
                    break;
                case AutolinkInline autolink:
                    output.Append(autolink.Url);
                    break;
                case ContainerInline nested:
                    AppendInlines(nested, output);
                    break;
            }
        }
    }

    private static string? FrontMatterTitle(YamlFrontMatterBlock frontMatter)
    {
        foreach (var line in frontMatter.Lines.Lines.AsSpan(0, frontMatter.Lines.Count))
        {
            var span = line.Slice.AsSpan().Trim();
            if (span.StartsWith("title:", StringComparison.OrdinalIgnoreCase))
            {
                var value = span["title:".Length..].Trim().Trim("\"'");
                return value.IsEmpty ? null : value.ToString();
            }
        }

        return null;
    }
}
