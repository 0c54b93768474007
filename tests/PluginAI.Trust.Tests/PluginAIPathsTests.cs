namespace PluginAI.Trust.Tests;

[Collection("environment")]
public sealed class PluginAIPathsTests
{
    [Fact]
    public void Home_ExplicitFolderWins_ThenEnvironment_ThenProfile()
    {
        var previous = Environment.GetEnvironmentVariable(PluginAIPaths.HomeVariable);
        try
        {
            Environment.SetEnvironmentVariable(PluginAIPaths.HomeVariable, "/tmp/from-env");
            Assert.Equal("/tmp/explicit", new PluginAIPaths("/tmp/explicit").Home);
            Assert.Equal("/tmp/from-env", new PluginAIPaths().Home);
            Assert.Equal(Path.Combine("/tmp/from-env", "plugins"), new PluginAIPaths().Plugins);
            Environment.SetEnvironmentVariable(PluginAIPaths.HomeVariable, null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pluginai"), new PluginAIPaths().Home);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PluginAIPaths.HomeVariable, previous);
        }
    }
}
