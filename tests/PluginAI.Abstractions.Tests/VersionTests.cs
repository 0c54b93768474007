using PluginAI.Manifest;

namespace PluginAI.Abstractions.Tests;

public sealed class VersionTests
{
    [Theory]
    [InlineData("1.0.0", "1.0.1")]
    [InlineData("1.2", "1.10")]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.2", "1.0.0-alpha.10")]
    [InlineData("1.0.0-alpha.beta", "1.0.0-beta")]
    [InlineData("1.0.0-rc.1", "1.0.0")]
    public void Compare_OrdersAsSemVer(string lower, string higher)
    {
        Assert.True(SemanticVersion.Parse(lower) < SemanticVersion.Parse(higher));
        Assert.True(SemanticVersion.Parse(higher) > SemanticVersion.Parse(lower));
    }

    [Fact]
    public void Parse_MissingPartsAreZero_AndBuildMetadataIsIgnoredInEquality()
    {
        Assert.Equal(SemanticVersion.Parse("1.2.0"), SemanticVersion.Parse("1.2"));
        Assert.Equal(SemanticVersion.Parse("1.2.0+abc"), SemanticVersion.Parse("1.2.0+def"));
        Assert.Equal("1.2.0-beta.1+sha.5", SemanticVersion.Parse("1.2.0-beta.1+sha.5").ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("v1.0")]
    [InlineData("1.0.0.0")]
    [InlineData("1.-1")]
    [InlineData("1.0-")]
    [InlineData("1.0-be ta")]
    public void TryParse_RejectsNonVersions(string text) => Assert.False(SemanticVersion.TryParse(text, out _));

    [Theory]
    [InlineData("1.0", "1.0.0", true)]
    [InlineData("1.0", "0.9.9", false)]
    [InlineData("[1.0,2.0)", "1.9.9", true)]
    [InlineData("[1.0,2.0)", "2.0.0", false)]
    [InlineData("(1.0,2.0]", "1.0.0", false)]
    [InlineData("(1.0,2.0]", "2.0.0", true)]
    [InlineData("(,2.0]", "0.1.0", true)]
    [InlineData("[1.2.3]", "1.2.3", true)]
    [InlineData("[1.2.3]", "1.2.4", false)]
    public void Range_Contains(string range, string version, bool expected) =>
        Assert.Equal(expected, VersionRange.Parse(range).Contains(SemanticVersion.Parse(version)));

    [Theory]
    [InlineData("[1.0,2.0", "must end with")]
    [InlineData("[2.0,1.0)", "empty version range")]
    [InlineData("[,]", "no bounds")]
    [InlineData("(1.0)", "exact version")]
    [InlineData("abc", "not a version range")]
    public void Range_RejectsMalformed_WithReason(string text, string reason)
    {
        Assert.False(VersionRange.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
