using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using PdfPageSize = UglyToad.PdfPig.Content.PageSize;

namespace PluginAI.Documents.Tests;

/// <summary>Builds the binary documents the tests read: PDFs with PdfPig, Word documents with the Open XML SDK.</summary>
internal static class TestDocuments
{
    public static byte[] TwoPagePdf()
    {
        var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Title = "Quarterly report";
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var first = builder.AddPage(PdfPageSize.A4);
        first.AddText("Revenue grew in the first quarter.", 12, new PdfPoint(50, 750), font);
        var second = builder.AddPage(PdfPageSize.A4);
        second.AddText("Costs fell in the second quarter.", 12, new PdfPoint(50, 750), font);
        return builder.Build();
    }

    /// <summary>A PDF whose standard security handler does not accept the empty password, as a password-protected file's does not.</summary>
    public static byte[] PasswordProtectedPdf()
    {
        var o = new string('A', 64);
        var u = new string('B', 64);
        return WritePdf(
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << >> >>",
                "<< /Length 8 >>\nstream\n\x01\x02\x03\x04\x05\x06\x07\x08\nendstream",
                $"<< /Filter /Standard /V 1 /R 2 /O <{o}> /U <{u}> /P -3904 >>",
            ],
            "/Encrypt 5 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]");
    }

    /// <summary>Writes a PDF from object bodies (object 1 is the catalog), with a correct cross-reference table.</summary>
    private static byte[] WritePdf(string[] objects, string trailerEntries)
    {
        var output = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(output.Length);
            output.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = output.Length;
        output.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            output.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        output.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R {trailerEntries} >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(output.ToString());
    }

    public static byte[] Handbook()
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            // A German Word names its heading style "Ueberschrift1"; the style's name stays "heading 1".
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new Styles(
                new Style(new StyleName { Val = "heading 1" }) { Type = StyleValues.Paragraph, StyleId = "Ueberschrift1" },
                new Style(new StyleName { Val = "heading 2" }) { Type = StyleValues.Paragraph, StyleId = "Ueberschrift2" });
            main.Document = new Document(new Body(
                Paragraph("Welcome to the handbook."),
                Paragraph("Installation", "Ueberschrift1"),
                Paragraph("Download the installer first."),
                Paragraph("Linux", "Heading2"),
                Paragraph("Run the script as root."),
                new Table(
                    new TableRow(Cell("Distribution"), Cell("Package")),
                    new TableRow(Cell("Debian"), Cell("pluginai.deb"))),
                Paragraph("Windows", "Ueberschrift2"),
                new Paragraph(new Run(new Text("Run setup.exe"), new Break(), new Text("and restart.")), new Run(new DeletedText("deleted words"))),
                Paragraph("Usage", "Heading1"),
                Paragraph("Ask a question.")));
            word.PackageProperties.Title = "PluginAI handbook";
        }

        return stream.ToArray();
    }

    private static Paragraph Paragraph(string text, string? style = null)
    {
        var paragraph = new Paragraph(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        if (style is not null)
        {
            paragraph.PrependChild(new ParagraphProperties(new ParagraphStyleId { Val = style }));
        }

        return paragraph;
    }

    private static TableCell Cell(string text) => new(Paragraph(text));
}
