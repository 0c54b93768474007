using PluginAI.Retrieval;

namespace PluginAI.Abstractions.Tests;

public sealed class PathGlobTests
{
    [Theory]
    // A pattern without a separator matches the last segment in any folder.
    [InlineData("*.md", "a.md", true)]
    [InlineData("*.md", "docs/guide/a.md", true)]
    [InlineData("*.md", "/home/me/a.md", true)]
    [InlineData("*.md", "a.mdx", false)]
    [InlineData("*.md", "a.md/b.txt", false)]
    [InlineData("README*", "src/Lib/README.txt", true)]
    [InlineData("report-202?.pdf", "x/report-2024.pdf", true)]
    [InlineData("report-202?.pdf", "x/report-20245.pdf", false)]
    [InlineData("?.md", "a/b.md", true)]
    [InlineData("?", "/", false)]
    // A pattern with a separator is relative to a root: from the start of a relative path ...
    [InlineData("docs/*.md", "docs/a.md", true)]
    [InlineData("docs/*.md", "docs/a/c.md", false)]
    [InlineData("docs/*.md", "x/docs/a.md", false)]
    [InlineData("node_modules/**", "node_modules/x/index.js", true)]
    [InlineData("node_modules/**", "web/node_modules/x/index.js", false)]
    // ... and from any folder of an absolute path, whose root is unknown.
    [InlineData("docs/*.md", "/home/me/docs/a.md", true)]
    [InlineData("docs/*.md", "/docs/a.md", true)]
    [InlineData("docs/**/*.md", "/home/me/docs/a/b/c.md", true)]
    [InlineData("docs/**/*.md", "C:\\Users\\me\\docs\\c.md", true)]
    [InlineData("docs/*.md", "/home/me/mydocs/a.md", false)]
    // '**' crosses segments, and '**/' may stand for no folder at all.
    [InlineData("docs/**/*.md", "docs/c.md", true)]
    [InlineData("docs/**", "docs/a/b/c", true)]
    [InlineData("docs/**", "docs", false)]
    [InlineData("**/*.txt", "a.txt", true)]
    [InlineData("**/*.txt", "a/b/c.txt", true)]
    [InlineData("a/**/b", "a/b", true)]
    [InlineData("a/**/b", "a/x/y/b", true)]
    [InlineData("a**", "a/b/c", true)]
    [InlineData("*", "a/b", true)]
    // A leading '/' or a drive anchors at the start of the path.
    [InlineData("/srv/**", "/srv/a.md", true)]
    [InlineData("/srv/**", "/home/srv/a.md", false)]
    [InlineData("/docs/*.md", "docs/a.md", true)]
    [InlineData("/docs/*.md", "x/docs/a.md", false)]
    [InlineData("C:/data/**", "c:\\data\\a.txt", true)]
    [InlineData("C:/data/**", "D:\\data\\a.txt", false)]
    // A trailing '/' means everything under the folder.
    [InlineData("drafts/", "drafts/a.md", true)]
    [InlineData("drafts/", "drafts/sub/a.md", true)]
    [InlineData("drafts/", "draftsx/a.md", false)]
    // Separators are equivalent in patterns and paths; case is ignored.
    [InlineData("docs\\*.md", "docs/a.md", true)]
    [InlineData("docs/*.md", "DOCS\\A.MD", true)]
    [InlineData("*.{md,txt}", "C:\\Users\\me\\Notes.TXT", true)]
    // Braces choose between alternatives, which may hold separators and wildcards.
    [InlineData("*.{md,txt}", "a.rst", false)]
    [InlineData("{docs,notes}/*.md", "notes/a.md", true)]
    [InlineData("{docs/api,src}/**", "docs/api/x.cs", true)]
    [InlineData("{docs/api,src}/**", "docs/x.cs", false)]
    [InlineData("a,b", "a,b", true)]
    // Character classes: sets, ranges and negation; '[[]' is a literal '['.
    [InlineData("[ab]*.md", "b.md", true)]
    [InlineData("[ab]*.md", "c.md", false)]
    [InlineData("v[0-9].txt", "v7.txt", true)]
    [InlineData("v[0-9].txt", "vx.txt", false)]
    [InlineData("v[!0-9].txt", "vx.txt", true)]
    [InlineData("v[!0-9].txt", "v7.txt", false)]
    [InlineData("a[!x]b", "a/b", false)]
    [InlineData("*[[]bot]*", "dependabot[bot]", true)]
    [InlineData("*[[]bot]*", "bot@example.com", false)]
    [InlineData("a[b", "a[b", true)]
    // Everything else is literal.
    [InlineData("a.b", "axb", false)]
    [InlineData("a+(b)$", "a+(b)$", true)]
    [InlineData("notes 1.md", "x/notes 1.md", true)]
    public void IsMatch_FollowsTheDocumentedSyntax(string pattern, string path, bool expected) =>
        Assert.Equal(expected, PathGlob.Parse(pattern).IsMatch(path));

    [Fact]
    public void ParseAny_MatchesWhenAnyPatternMatches_AndNothingWhenEmpty()
    {
        var glob = PathGlob.ParseAny(["docs/**", "*.md", " "]);

        Assert.True(glob.IsMatch("docs/a.cs"));
        Assert.True(glob.IsMatch("src/README.md"));
        Assert.False(glob.IsMatch("src/a.cs"));
        Assert.Equal(new[] { "docs/**", "*.md" }, glob.Patterns);
        Assert.False(PathGlob.ParseAny([]).IsMatch("a"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("*.{md,txt")]
    public void Parse_RejectsEmptyOrUnclosedPatterns(string pattern) =>
        Assert.ThrowsAny<ArgumentException>(() => PathGlob.Parse(pattern));
}
