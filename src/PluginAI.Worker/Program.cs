return await PluginAI.Host.Workers.WorkerProcessMain.RunAsync(args);
