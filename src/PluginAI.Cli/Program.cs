using PluginAI.Cli;

return await PluginAICommand.RunAsync(args, CliConsole.CreateDefault()).ConfigureAwait(false);
