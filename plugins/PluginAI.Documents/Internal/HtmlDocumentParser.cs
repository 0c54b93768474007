using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.Logging;
using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>Reads HTML with AngleSharp: the title, the visible text of the body, and headings as the section path.</summary>
/// <remarks>
/// Dropped: <c>head</c>, <c>script</c>, <c>style</c>, <c>noscript</c>, <c>template</c>, embedded objects and forms'
/// option lists, and elements marked <c>hidden</c> or styled <c>display:none</c> inline. Every block element starts a
/// new section; white space is collapsed as a browser does, except inside <c>pre</c>; table cells are joined with
/// <c> | </c>. The bytes are decoded as plain text is (byte-order mark, UTF-8, else Windows-1252); a
/// <c>&lt;meta charset&gt;</c> naming another encoding is not honoured.
/// </remarks>
internal sealed class HtmlDocumentParser(ILogger logger) : DocumentParser
{
    private static readonly HashSet<string> s_skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "head", "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas", "select", "datalist",
    };

    private static readonly HashSet<string> s_blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "hr", "li", "main", "menu",
        "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
    };

    public override PreprocessorMetadata Metadata { get; } = new("html")
    {
        Order = 100,
        MediaTypes = [DocumentMediaTypes.Html, "application/xhtml+xml"],
        Extensions = [".html", ".htm", ".xhtml"],
    };

    protected override string FormatName => "HTML";

    protected override DocumentContent Parse(DocumentContent document, CancellationToken cancellationToken)
    {
        var text = TextDecoder.Decode(document, logger);
        using var html = new HtmlParser().ParseDocument(text);
        var title = TextUtilities.CollapseWhiteSpace(html.Title ?? string.Empty);
        var root = (INode?)html.Body ?? html.DocumentElement;
        var walker = new Walker();
        if (root is not null)
        {
            walker.Walk(root, cancellationToken);
        }

        return document with { Title = title.Length > 0 ? title : document.Title, Sections = walker.Sections.ToSections() };
    }

    /// <summary>Walks the tree without recursion, so that deeply nested markup cannot exhaust the stack.</summary>
    private sealed class Walker
    {
        private readonly StringBuilder _text = new();
        private readonly HeadingPath _headings = new();
        private bool _pendingSpace;
        private int _preDepth;

        public SectionWriter Sections { get; } = new();

        public void Walk(INode root, CancellationToken cancellationToken)
        {
            var stack = new Stack<(INode Node, bool Leaving)>();
            stack.Push((root, false));
            var visited = 0;
            while (stack.Count > 0)
            {
                if ((++visited & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var (node, leaving) = stack.Pop();
                if (node is IText textNode)
                {
                    AppendText(textNode.Data);
                    continue;
                }

                if (node is not IElement element)
                {
                    continue;
                }

                if (leaving)
                {
                    Leave(element);
                    continue;
                }

                if (IsSkipped(element))
                {
                    continue;
                }

                Enter(element);
                stack.Push((element, true));
                for (var i = element.ChildNodes.Length - 1; i >= 0; i--)
                {
                    stack.Push((element.ChildNodes[i], false));
                }
            }

            Flush();
        }

        private static bool IsSkipped(IElement element)
        {
            if (s_skipped.Contains(element.LocalName) || element.HasAttribute("hidden"))
            {
                return true;
            }

            var style = element.GetAttribute("style");
            return style is not null && style.Replace(" ", string.Empty, StringComparison.Ordinal).Contains("display:none", StringComparison.OrdinalIgnoreCase);
        }

        private static int HeadingLevel(IElement element) =>
            element.LocalName is ['h' or 'H', >= '1' and <= '6' and var digit] ? digit - '0' : 0;

        private void Enter(IElement element)
        {
            if (HeadingLevel(element) > 0 || s_blocks.Contains(element.LocalName))
            {
                Flush();
            }

            switch (element.LocalName.ToUpperInvariant())
            {
                case "PRE":
                    _preDepth++;
                    break;
                case "BR":
                    _text.Append('\n');
                    _pendingSpace = false;
                    break;
                case "TD" or "TH" when _text.Length > 0:
                    _text.Append(" | ");
                    _pendingSpace = false;
                    break;
            }
        }

        private void Leave(IElement element)
        {
            var level = HeadingLevel(element);
            if (level > 0)
            {
                _headings.Enter(level, _text.ToString());
                Flush();
                return;
            }

            if (s_blocks.Contains(element.LocalName))
            {
                if (element.LocalName.Equals("pre", StringComparison.OrdinalIgnoreCase))
                {
                    _preDepth--;
                }

                Flush();
            }
        }

        private void AppendText(string data)
        {
            if (_preDepth > 0)
            {
                _text.Append(data);
                return;
            }

            foreach (var c in data)
            {
                if (char.IsWhiteSpace(c))
                {
                    _pendingSpace = true;
                    continue;
                }

                if (_pendingSpace && _text.Length > 0 && _text[^1] is not ('\n' or ' '))
                {
                    _text.Append(' ');
                }

                _pendingSpace = false;
                _text.Append(c);
            }
        }

        private void Flush()
        {
            if (_text.Length > 0)
            {
                Sections.Add(_text.ToString(), _headings.Current);
                _text.Clear();
            }

            _pendingSpace = false;
        }
    }
}
