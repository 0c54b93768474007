using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>Cuts a document's sections into chunks that fit the embedding model, following the document's structure.</summary>
/// <remarks>
/// <para>
/// Consecutive sections with the same heading path and page form a unit; a chunk never crosses from one unit to the
/// next. Within a unit the text is cut into pieces as coarse as fit the budget: paragraphs (a section boundary is a
/// paragraph boundary), else sentences (and lines), else words, else runs of characters. Pieces are packed greedily
/// into chunks of at most <see cref="DocumentChunkerOptions.MaxTokens"/>, and each chunk but the first of a unit
/// starts with up to <see cref="DocumentChunkerOptions.OverlapTokens"/> tokens of whole words from the end of the one
/// before.
/// </para>
/// <para>
/// Tokens are counted with the counter of the model named by <see cref="DocumentContent.EmbeddingModelId"/>, as the
/// host's <see cref="ITokenCounterProvider"/> finds it, or estimated at four characters each when there is none. Piece counts are added up while packing, and every chunk is counted again as a whole
/// before it is emitted and shrunk until it fits, so no chunk exceeds the budget even with a tokenizer whose counts
/// are not additive. A chunk's text is exactly the extracted text between its offsets, without leading or trailing
/// white space; it is never rewritten.
/// </para>
/// <para>
/// What is embedded (<see cref="DocumentChunk.EmbeddingText"/>) is the chunk's heading, then a blank line, then its
/// text. The heading is the document's title (<see cref="DocumentContent.Title"/>, else the file name without its
/// extension) and the last heading of the unit's section path, each without a leading section number, the title left
/// out when that heading already starts with it, cut to
/// <see cref="DocumentChunkerOptions.HeadingTokens"/> tokens and to a quarter of the budget. The heading's tokens are
/// reserved on top of the chunk's budget, so that a chunk's text is cut the same with or without its heading.
/// </para>
/// </remarks>
internal sealed partial class DocumentChunker : Preprocessor
{
    private readonly DocumentChunkerOptions _options;
    private readonly ITokenCounterProvider? _tokenCounters;

    public DocumentChunker(DocumentChunkerOptions options, ITokenCounterProvider? tokenCounters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _tokenCounters = tokenCounters;
    }

    public override PreprocessorMetadata Metadata { get; } = new("chunker") { Order = 200 };

    public override Task<DocumentContent> ProcessDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Sections.Count == 0 || document.Chunks.Count > 0)
        {
            return Task.FromResult(document);
        }

        var (text, sections) = ExtractedText.Build(document.Sections);
        var counter = document.EmbeddingModelId is { } modelId ? _tokenCounters?.GetTokenCounter(modelId) : null;
        var run = new Run(text, counter ?? EstimatedTokenCounter.Instance, _options, Title(document), cancellationToken);
        var first = 0;
        for (var i = 1; i <= sections.Count; i++)
        {
            if (i == sections.Count || sections[i].Section != sections[first].Section || sections[i].Page != sections[first].Page)
            {
                var last = sections[i - 1];
                run.ChunkUnit(sections[first].StartOffset, last.StartOffset + last.Text.Length, sections[first].Section, sections[first].Page);
                first = i;
            }
        }

        return Task.FromResult(document with { Sections = sections, Chunks = run.Chunks });
    }

    /// <summary>The document's own title, else its file name without the extension.</summary>
    private static string Title(DocumentContent document)
    {
        if (document.Title is { } title && !string.IsNullOrWhiteSpace(title))
        {
            return TextUtilities.CollapseWhiteSpace(title);
        }

        var name = document.SourcePath.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }

    /// <summary>The state of chunking one document.</summary>
    private sealed class Run(string text, ITokenCounter counter, DocumentChunkerOptions options, string title, CancellationToken cancellationToken)
    {
        private readonly int _budget = options.MaxTokens;
        private string? _heading;

        // Text this much longer than the budget in characters is over budget for any tokenizer that makes a token of
        // fewer than 32 characters, so it is split without counting it first.
        private readonly int _maxCountedLength = options.MaxTokens * 32;
        private readonly List<Piece> _pieces = [];
        private int _previousEnd;

        public List<DocumentChunk> Chunks { get; } = [];

        public void ChunkUnit(int start, int end, string? section, int? page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _heading = Heading(section);
            _pieces.Clear();
            _previousEnd = start;
            foreach (var (paragraphStart, paragraphEnd) in Paragraphs.Split(text, start, end))
            {
                AddPiece(paragraphStart, paragraphEnd, Level.Paragraph);
            }

            Pack(section, page);
        }

        private int Count(int start, int end) => counter.CountTokens(text[start..end]);

        /// <summary>The heading embedded before the unit's chunks, cut by whole words to its budget.</summary>
        /// <returns>The heading with the blank line after it, or <see langword="null"/> for none.</returns>
        private string? Heading(string? section)
        {
            var limit = Math.Min(options.HeadingTokens, options.MaxTokens / 4);
            if (limit == 0)
            {
                return null;
            }

            // The title and the unit's own heading name what the passage is about; the path between them names what its
            // siblings share, which makes neighbouring sections look alike. Section numbers carry no meaning.
            var name = WithoutNumber(title);
            var inner = section is { Length: > 0 } ? WithoutNumber(section[(section.LastIndexOf(" > ", StringComparison.Ordinal) is var at and >= 0 ? at + 3 : 0)..]) : string.Empty;
            var heading = inner.Length == 0 || inner.Equals(name, StringComparison.OrdinalIgnoreCase) ? name
                : inner.StartsWith(name, StringComparison.OrdinalIgnoreCase) ? inner
                : $"{name}\n{inner}";
            heading = heading.Trim();
            while (heading.Length > 0)
            {
                var tokens = counter.CountTokens(heading + "\n\n");
                if (tokens <= limit)
                {
                    return heading + "\n\n";
                }

                var cut = heading.LastIndexOfAny([' ', '\n'], Math.Max(heading.Length - 2, 0));
                heading = (cut > 0 ? heading[..cut] : heading[..(heading.Length / 2)]).TrimEnd();
            }

            return null;
        }

        /// <summary>A heading without its leading number: "Chapter 5. Network setup" and "5.1.3. The LAN" lose "Chapter 5." and "5.1.3.".</summary>
        private static string WithoutNumber(string heading) => LeadingNumber().Replace(heading.Trim(), string.Empty);

        /// <summary>Adds a piece, or its parts at the next finer level when it is over budget.</summary>
        /// <remarks>A piece's count includes the white space before it, so that the sum over pieces tracks the count of their join.</remarks>
        private void AddPiece(int start, int end, Level level)
        {
            var countFrom = _previousEnd;
            var tokens = end - countFrom > _maxCountedLength ? int.MaxValue : Count(countFrom, end);
            if (tokens <= _budget)
            {
                _pieces.Add(new Piece(start, end, tokens));
                _previousEnd = end;
                return;
            }

            switch (level)
            {
                case Level.Paragraph:
                    foreach (var (s, e) in Paragraphs.SplitSentences(text, start, end))
                    {
                        AddPiece(s, e, Level.Sentence);
                    }

                    break;
                case Level.Sentence:
                    foreach (var (s, e) in Paragraphs.SplitWords(text, start, end))
                    {
                        AddPiece(s, e, Level.Word);
                    }

                    break;
                default:
                    AddCharacterRuns(start, end);
                    break;
            }
        }

        /// <summary>The last resort for a "word" over budget (a URL, a base64 blob): the longest runs of characters that fit.</summary>
        private void AddCharacterRuns(int start, int end)
        {
            var position = start;
            while (position < end)
            {
                var longest = Math.Min(end - position, _maxCountedLength);
                var length = longest;
                if (Count(position, position + longest) > _budget)
                {
                    int low = 1, high = longest - 1;
                    length = 1;
                    while (low <= high)
                    {
                        var middle = low + ((high - low) / 2);
                        if (Count(position, position + middle) <= _budget)
                        {
                            length = middle;
                            low = middle + 1;
                        }
                        else
                        {
                            high = middle - 1;
                        }
                    }
                }

                length = KeepSurrogatePair(position, length, end);
                _pieces.Add(new Piece(position, position + length, Count(position, position + length)));
                position += length;
            }

            _previousEnd = end;
        }

        private int KeepSurrogatePair(int start, int length, int end)
        {
            if (char.IsHighSurrogate(text[start + length - 1]) && start + length < end)
            {
                return length > 1 ? length - 1 : length + 1;
            }

            return length;
        }

        private void Pack(string? section, int? page)
        {
            var i = 0;
            int overlapStart = -1, overlapTokens = 0;
            while (i < _pieces.Count)
            {
                var start = overlapStart;
                var used = overlapTokens;
                if (start < 0 || used + _pieces[i].Tokens > _budget)
                {
                    // The overlap gives way when it would leave no room for the next piece, so that every chunk moves on.
                    start = _pieces[i].Start;
                    used = 0;
                }

                used += _pieces[i].Tokens;
                var j = i + 1;
                while (j < _pieces.Count && used + _pieces[j].Tokens <= _budget)
                {
                    used += _pieces[j].Tokens;
                    j++;
                }

                if (!Fit(ref start, i, ref j, out var chunkText, out var tokens))
                {
                    continue;
                }

                var end = _pieces[j - 1].End;
                Chunks.Add(new DocumentChunk
                {
                    Index = Chunks.Count,
                    Text = chunkText,
                    EmbeddingText = _heading is null ? null : _heading + chunkText,
                    Section = section,
                    Page = page,
                    StartOffset = start,
                    EndOffset = end,
                    TokenCount = tokens,
                });
                i = j;
                (overlapStart, overlapTokens) = i < _pieces.Count ? Overlap(start, end) : (-1, 0);
            }
        }

        /// <summary>Counts the chunk as a whole and drops pieces from its end, then its overlap, until it fits.</summary>
        /// <returns><see langword="false"/> when a single piece had to be split and packing must start again from it.</returns>
        private bool Fit(ref int start, int first, ref int next, out string chunkText, out int tokens)
        {
            while (true)
            {
                chunkText = text[start.._pieces[next - 1].End];
                tokens = counter.CountTokens(chunkText);
                if (tokens <= _budget)
                {
                    return true;
                }

                if (next - 1 > first)
                {
                    next--;
                }
                else if (start != _pieces[first].Start)
                {
                    start = _pieces[first].Start;
                }
                else
                {
                    return !TrySplit(first);
                }
            }
        }

        /// <summary>Halves a piece that is over budget on its own, which only a tokenizer whose counts shrink when text is added can cause.</summary>
        private bool TrySplit(int index)
        {
            var piece = _pieces[index];
            var middle = piece.Start + ((piece.End - piece.Start) / 2);
            if (middle > piece.Start && char.IsLowSurrogate(text[middle]))
            {
                middle--;
            }

            if (middle <= piece.Start)
            {
                return false;
            }

            _pieces[index] = new Piece(piece.Start, middle, Count(piece.Start, middle));
            _pieces.Insert(index + 1, new Piece(middle, piece.End, Count(middle, piece.End)));
            return true;
        }

        /// <summary>Finds where the next chunk starts: whole words from the end of this one, up to the overlap budget, never all of it.</summary>
        private (int Start, int Tokens) Overlap(int chunkStart, int chunkEnd)
        {
            var overlapStart = chunkEnd;
            var tokens = 0;
            while (options.OverlapTokens > 0)
            {
                var wordEnd = overlapStart;
                while (wordEnd > chunkStart && char.IsWhiteSpace(text[wordEnd - 1]))
                {
                    wordEnd--;
                }

                var wordStart = wordEnd;
                while (wordStart > chunkStart && !char.IsWhiteSpace(text[wordStart - 1]))
                {
                    wordStart--;
                }

                if (wordStart <= chunkStart)
                {
                    break;
                }

                var wordTokens = Count(wordStart, overlapStart);
                if (tokens + wordTokens > options.OverlapTokens)
                {
                    break;
                }

                tokens += wordTokens;
                overlapStart = wordStart;
            }

            return overlapStart < chunkEnd ? (overlapStart, tokens) : (-1, 0);
        }

        private enum Level
        {
            Paragraph,
            Sentence,
            Word,
        }

        private readonly record struct Piece(int Start, int End, int Tokens);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:(?i:chapter|section|appendix|part)\s+)?(?:[0-9]+(?:\.[0-9]+)*|[IVXLC]+)\.\s+", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex LeadingNumber();
}
