using PluginAI.Processing;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace PluginAI.Documents.Internal;

/// <summary>Reads PDF with PdfPig: the text of each page in reading order, one section per paragraph, with its page number.</summary>
/// <remarks>
/// The title comes from the document information dictionary. A PDF that needs a password to open, a damaged one and
/// one without any text (scanned pages) are reported as <see cref="PluginException"/>. The cancellation token is
/// observed between pages; PdfPig cannot be interrupted within one, so the host bounds the work with the token.
/// </remarks>
internal sealed class PdfParser : DocumentParser
{
    public override PreprocessorMetadata Metadata { get; } = new("pdf")
    {
        Order = 100,
        MediaTypes = [DocumentMediaTypes.Pdf],
        Extensions = [".pdf"],
    };

    protected override string FormatName => "PDF";

    protected override DocumentContent Parse(DocumentContent document, CancellationToken cancellationToken)
    {
        PdfDocument pdf;
        try
        {
            pdf = PdfDocument.Open(document.Content, new ParsingOptions { SkipMissingFonts = true });
        }
        catch (PdfDocumentEncryptedException ex)
        {
            throw DocumentErrors.PasswordProtected(document.SourcePath, FormatName, ex);
        }

        using (pdf)
        {
            var sections = new SectionWriter();
            for (var number = 1; number <= pdf.NumberOfPages; number++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var text = ContentOrderTextExtractor.GetText(pdf.GetPage(number)).ReplaceLineEndings("\n");
                foreach (var (start, end) in Paragraphs.Split(text, 0, text.Length))
                {
                    sections.Add(text[start..end], page: number);
                }
            }

            if (sections.Count == 0)
            {
                throw DocumentErrors.NoText(document.SourcePath, pdf.NumberOfPages == 0
                    ? "the PDF has no pages"
                    : "its pages contain no text, only images; scanned documents need OCR before they can be added");
            }

            var title = pdf.Information.Title?.Trim();
            var extracted = sections.ToSections();
            return document with { Title = string.IsNullOrEmpty(title) ? document.Title ?? DocumentTitles.FirstLine(extracted) : title, Sections = extracted };
        }
    }
}
