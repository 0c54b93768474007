using System.Net;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace PluginAI.Server.Tests;

/// <summary>The web page in a real browser (Debian's chromium, driven by Playwright) against the real server.</summary>
public sealed class WebPageTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const string Handbook = "# Leave\n\nEmployees get 25 days of paid annual leave each year. Unused leave carries over until March.\n";

    [Fact]
    public async Task Page_IsServedFromTheServer_WithAStrictContentSecurityPolicy_AndNoKeyForItsOwnFiles()
    {
        await using var host = await ServerHost.StartAsync(o => o.ApiKeys.Add("page-key"));
        using var anonymous = new HttpClient { BaseAddress = host.Server.BaseAddress };

        long total = 0;
        foreach (var path in new[] { "/", "/assets/app.js", "/assets/app.css" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            total += (await response.Content.ReadAsByteArrayAsync()).Length;
        }

        output.WriteLine($"first load: {total} bytes in 3 files");
        using (var missing = await anonymous.GetAsync("/assets/../../etc/passwd"))
        {
            Assert.True(missing.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"got {missing.StatusCode}");
        }

        using var api = await anonymous.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task KnowledgeBaseAnswer_StreamsWithACitationThatOpensThePassage()
    {
        await using var host = await ServerHost.StartAsync();
        await UploadAsync(host, "handbook", ("policies/leave.md", Handbook));
        var page = await browser.NewPageAsync(host);

        await page.GotoAsync(host.Server.BaseAddress.ToString());
        await page.GetByLabel("Model or knowledge base").SelectOptionAsync("kb:handbook");
        await page.GetByLabel("Message").FillAsync("How many days of annual leave do employees get?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

        var answer = page.Locator(".message.assistant .body").Last;
        await Assertions.Expect(answer).ToContainTextAsync("25 days");
        await Assertions.Expect(page.Locator("#chat-status")).ToHaveTextAsync("Done.");
        await answer.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Citation 1") }).ClickAsync();
        await Assertions.Expect(page.Locator("#passage-source")).ToHaveTextAsync("upload:policies/leave.md");
        await Assertions.Expect(page.Locator("#passage-text")).ToContainTextAsync("Unused leave carries over until March.");

        // The conversation is kept in the browser: a reload lists it and shows the answer again.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#conversation-list button")).ToHaveTextAsync("How many days of annual leave do employees get?");
        await Assertions.Expect(page.Locator(".message.assistant .body").Last).ToContainTextAsync("25 days");
        await AssertAccessibleAsync(page, "chat");
    }

    [Fact]
    public async Task Conversations_RenderSafely_AreRenamedExportedRegeneratedAndDeleted()
    {
        // The page sends no max_tokens; the server's cap keeps the regenerated answer short.
        await using var host = await ServerHost.StartAsync(o => o.MaxTokens = 24);
        var page = await browser.NewPageAsync(host);
        await page.GotoAsync(host.Server.BaseAddress.ToString());
        const string Answer = "# Title\n\nSome **bold** and `inline` text.\n\n```js\nconsole.log('<b>x</b>')\n```\n\n- item one\n- item <img src=x onerror=\"window.injected = 3\">\n";
        var stored = System.Text.Json.JsonSerializer.Serialize(new[]
        {
            new { id = "c1", title = "Imported", model = ServerHost.Model, updated = 1, messages = new object[] { new { role = "user", content = "Once upon a time" }, new { role = "assistant", content = Answer, sources = Array.Empty<object>() } } },
        });
        await page.EvaluateAsync("value => localStorage.setItem('pluginai.conversations', value)", stored);
        await page.ReloadAsync();

        var body = page.Locator(".message.assistant .body");
        await Assertions.Expect(body.Locator("pre code")).ToHaveTextAsync("console.log('<b>x</b>')");
        await Assertions.Expect(body.Locator("strong", new() { HasText = "bold" })).ToHaveCountAsync(1);
        await Assertions.Expect(body.Locator("li")).ToHaveCountAsync(2);
        await Assertions.Expect(body.Locator("li").Nth(1)).ToHaveTextAsync("item <img src=x onerror=\"window.injected = 3\">");
        Assert.Equal(0, await page.Locator("#messages img, #messages b").CountAsync());

        page.Dialog += (_, dialog) => _ = dialog.Type == DialogType.Prompt ? dialog.AcceptAsync("Renamed") : dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Assertions.Expect(page.Locator("#conversation-list button")).ToHaveTextAsync("Renamed");

        var json = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export JSON" }).ClickAsync());
        Assert.Equal("Renamed.json", json.SuggestedFilename);
        using (var exported = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync((await json.PathAsync())!)))
        {
            Assert.Equal(Answer, exported.RootElement.GetProperty("messages")[1].GetProperty("content").GetString());
        }

        var markdown = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export Markdown" }).ClickAsync());
        var text = await File.ReadAllTextAsync((await markdown.PathAsync())!);
        Assert.StartsWith("# Renamed\n\n## You\n\nOnce upon a time", text, StringComparison.Ordinal);
        Assert.Contains("## Assistant", text, StringComparison.Ordinal);

        await page.GetByLabel("Model or knowledge base").SelectOptionAsync(ServerHost.Model);
        await page.GetByRole(AriaRole.Button, new() { Name = "Regenerate" }).ClickAsync();
        await Assertions.Expect(page.Locator("#chat-status")).ToHaveTextAsync("Done.");
        await Assertions.Expect(page.Locator(".message.assistant")).ToHaveCountAsync(1);
        await Assertions.Expect(body).Not.ToContainTextAsync("console.log");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.Locator("#conversation-list button")).ToHaveCountAsync(0);
        Assert.Equal("[]", await page.EvaluateAsync<string>("() => localStorage.getItem('pluginai.conversations')"));
    }

    [Fact]
    public async Task Chat_WorksWithTheKeyboardAlone()
    {
        await using var host = await ServerHost.StartAsync();
        await UploadAsync(host, "handbook", ("policies/leave.md", Handbook));
        var page = await browser.NewPageAsync(host);
        await page.GotoAsync(host.Server.BaseAddress.ToString());
        await Assertions.Expect(page.GetByLabel("Model or knowledge base").Locator("option[value='kb:handbook']")).ToHaveCountAsync(1);

        // Tab to the model list, choose the knowledge base with the arrow keys, Tab on to the message box.
        for (var i = 0; i < 20 && await page.EvaluateAsync<string>("() => document.activeElement.id") != "model"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("model", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        while (await page.EvaluateAsync<string>("() => document.activeElement.value") != "kb:handbook")
        {
            await page.Keyboard.PressAsync("ArrowDown");
        }

        for (var i = 0; i < 5 && await page.EvaluateAsync<string>("() => document.activeElement.id") != "prompt"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("prompt", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.TypeAsync("How many days of annual leave do employees get?");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#chat-status")).ToHaveTextAsync("Done.");

        // The citation is a button: focus it and press Enter; the passage opens with focus on its close button.
        await page.Locator(".cite").First.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#passage-text")).ToContainTextAsync("25 days");
        Assert.Equal("passage-close", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#passage")).ToBeHiddenAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement.classList.contains('cite')"));
    }

    [Fact]
    public async Task LongAnswer_StopsWhenStopIsPressed()
    {
        await using var host = await ServerHost.StartAsync(o => o.MaxTokens = 100_000);
        var page = await browser.NewPageAsync(host);

        await page.GotoAsync(host.Server.BaseAddress.ToString());
        await page.GetByLabel("Model or knowledge base").SelectOptionAsync(ServerHost.Model);
        await page.GetByLabel("Message").FillAsync("Once upon a time");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        var answer = page.Locator(".message.assistant .body").Last;

        // Checked on every animation frame, so that Stop is pressed within milliseconds of the first text.
        await page.WaitForFunctionAsync("() => document.querySelector('.message.assistant:last-child .body')?.textContent.length > 0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();

        await Assertions.Expect(page.Locator("#chat-status")).ToHaveTextAsync("Stopped.");
        var stopped = await answer.TextContentAsync();
        await page.WaitForTimeoutAsync(500);
        Assert.Equal(stopped, await answer.TextContentAsync());
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).IsEnabledAsync());
    }

    [Fact]
    public async Task ModelOutputWithMarkup_IsShownAsText()
    {
        await using var host = await ServerHost.StartAsync();
        const string Hostile = "The override is <script>window.injected = 1</script> and <img src=x onerror=\"window.injected = 2\"> in the text.";
        await UploadAsync(host, "hostile", ("notes.md", "# Notes\n\n" + Hostile + "\n"));
        var page = await browser.NewPageAsync(host);

        await page.GotoAsync(host.Server.BaseAddress.ToString());
        await page.GetByLabel("Model or knowledge base").SelectOptionAsync("kb:hostile");
        await page.GetByLabel("Message").FillAsync("What is the override?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

        var answer = page.Locator(".message.assistant .body").Last;
        await Assertions.Expect(answer).ToContainTextAsync("<script>window.injected = 1</script>");
        await Assertions.Expect(answer).ToContainTextAsync("<img src=x onerror=\"window.injected = 2\">");
        Assert.Equal(0, await page.Locator("#messages script, #messages img").CountAsync());
        await answer.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Citation 1") }).ClickAsync();
        await Assertions.Expect(page.Locator("#passage-text")).ToContainTextAsync("<img src=x");
        Assert.Equal(0, await page.Locator("#passage img").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.injected === undefined"));
    }

    [Fact]
    public async Task WithAnApiKey_ThePageAsksForItAndWorksOnlyOnceTheRightKeyIsGiven()
    {
        await using var host = await ServerHost.StartAsync(o => o.ApiKeys.Add("s3cret-key"));
        var page = await browser.NewPageAsync(host);

        await page.GotoAsync(host.Server.BaseAddress.ToString());
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "API key needed" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Model or knowledge base").Locator("option")).ToHaveCountAsync(0);
        await AssertAccessibleAsync(page, "access");

        await page.GetByLabel("API key", new() { Exact = true }).FillAsync("wrong-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#key-reason")).ToContainTextAsync("not valid");
        await Assertions.Expect(page.GetByLabel("Model or knowledge base").Locator("option")).ToHaveCountAsync(0);

        await page.GetByLabel("API key", new() { Exact = true }).FillAsync("s3cret-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await Assertions.Expect(dialog).Not.ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Model or knowledge base").Locator($"option[value='{ServerHost.Model}']")).ToHaveCountAsync(1);

        // Kept for the session only: sessionStorage, never localStorage.
        Assert.Equal("s3cret-key", await page.EvaluateAsync<string>("() => sessionStorage.getItem('pluginai.key')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => Object.keys(localStorage).filter(k => localStorage.getItem(k).includes('s3cret')).length"));
    }

    [Fact]
    public async Task FolderUpload_ShowsProgressAndTheBadFileWithItsReason_ThenSearchFindsTheGoodOnes()
    {
        await using var host = await ServerHost.StartAsync();
        var folder = Path.Combine(host.Root, "upload", "handbook");
        Directory.CreateDirectory(Path.Combine(folder, "policies"));
        await File.WriteAllTextAsync(Path.Combine(folder, "policies", "leave.md"), Handbook);
        await File.WriteAllTextAsync(Path.Combine(folder, "policies", "expenses.md"), "# Expenses\n\nTravel expenses are reimbursed within 14 days when the receipt is attached.\n");
        await File.WriteAllBytesAsync(Path.Combine(folder, "broken.pdf"), "%PDF-1.7\nthis is not a PDF at all"u8.ToArray());
        var page = await browser.NewPageAsync(host);

        await page.GotoAsync(host.Server.BaseAddress + "#knowledge");
        await page.GetByLabel("Knowledge base (a new name creates one)").FillAsync("team");
        await page.GetByLabel("Or a whole folder").SetInputFilesAsync(folder);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and ingest" }).ClickAsync();

        await Assertions.Expect(page.Locator("#kb-progress-text")).ToContainTextAsync("Done: 2 added");
        Assert.Equal(await page.Locator("#kb-progress").GetAttributeAsync("max"), await page.EvaluateAsync<string>("() => String(document.getElementById('kb-progress').value)"));
        var skipped = page.GetByRole(AriaRole.Table, new() { Name = "Files that were skipped" });
        await Assertions.Expect(skipped.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(skipped.Locator("tbody tr td").First).ToHaveTextAsync("handbook/broken.pdf");
        Assert.False(string.IsNullOrWhiteSpace(await skipped.Locator("tbody tr td").Nth(1).TextContentAsync()));
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Knowledge bases on this server" }).Locator("tbody tr")).ToContainTextAsync(["team"]);

        await page.GetByLabel("Query", new() { Exact = true }).FillAsync("when are travel costs paid back");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        var results = page.GetByRole(AriaRole.Table, new() { Name = "passages found" });
        await Assertions.Expect(results.Locator("tbody tr").First).ToContainTextAsync("expenses.md");
        await Assertions.Expect(results.Locator("tbody tr").First).ToContainTextAsync("14 days");
        await AssertAccessibleAsync(page, "knowledge bases");

        // Remove one document, then the whole base, each after a confirmation.
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        var bases = page.GetByRole(AriaRole.Table, new() { Name = "Knowledge bases on this server" });
        await bases.GetByRole(AriaRole.Button, new() { Name = "Show documents of team" }).ClickAsync();
        var documents = page.GetByRole(AriaRole.Table, new() { Name = "Documents of team" });
        await Assertions.Expect(documents.Locator("tbody tr")).ToHaveCountAsync(2);
        await documents.GetByRole(AriaRole.Button, new() { Name = "Remove upload:handbook/policies/expenses.md" }).ClickAsync();
        await Assertions.Expect(documents.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(bases.Locator("tbody tr", new() { HasText = "team" }).Locator("td").Nth(1)).ToHaveTextAsync("1");
        await bases.GetByRole(AriaRole.Button, new() { Name = "Remove team" }).ClickAsync();
        await Assertions.Expect(page.Locator("#kb-progress-text")).ToHaveTextAsync("team removed.");
        await Assertions.Expect(bases.Locator("tbody tr")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task PluginsScreen_ShowsAPluginThatNeedsAGpuThisMachineLacks_AndWhy()
    {
        await using var host = await ServerHost.StartAsync(prepareHome: home =>
        {
            var folder = Path.Combine(home, "plugins", "vendor-gpu-backend");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "pluginai.json"), """
                {
                  "schemaVersion": 1,
                  "id": "Vendor.GpuBackend",
                  "version": "2.1.0",
                  "kinds": ["backend"],
                  "entry": { "assembly": "Vendor.GpuBackend.dll", "type": "Vendor.GpuBackend.Plugin" },
                  "hostApi": "[2.0,3.0)",
                  "requirements": { "accelerators": [{ "type": "gpu", "api": "cuda", "minApiVersion": "12.0", "minVramMb": 10000000 }] }
                }
                """);
        });
        var page = await browser.NewPageAsync(host);

        await page.GotoAsync(host.Server.BaseAddress + "#plugins");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Installed plugins" });
        var row = table.Locator("tbody tr", new() { HasText = "Vendor.GpuBackend" });
        await Assertions.Expect(row).ToContainTextAsync("incompatible");
        await Assertions.Expect(row).ToContainTextAsync("GPU");
        await Assertions.Expect(row).ToContainTextAsync("2.1.0");
        var expected = (await host.Services.GetRequiredService<PluginAI.Runtime.Plugins.PluginService>().ListAsync()).Single(p => p.Id == "Vendor.GpuBackend").Reason!;
        await Assertions.Expect(row.Locator("td").Nth(7)).ToContainTextAsync(expected);
        await Assertions.Expect(table.Locator("tbody tr", new() { HasText = "PluginAI.Backends.Llama" })).ToContainTextAsync("loaded");
        await AssertAccessibleAsync(page, "plugins");
    }

    [Fact]
    public async Task PluginsScreen_SearchesTheSourcesWithWhatFits_AndInstallsAndRemovesAfterConfirming()
    {
        await using var host = await ServerHost.StartAsync(prepareHome: home =>
        {
            var feed = Path.Combine(home, "feed");
            PackCopy("Acme.Redaction", feed, extra: null);
            PackCopy("Acme.GpuRedaction", feed, extra: "\"requirements\": { \"accelerators\": [{ \"type\": \"gpu\", \"api\": \"cuda\", \"minApiVersion\": \"12.0\", \"minVramMb\": 10000000 }] }");
        });
        var page = await browser.NewPageAsync(host);
        await page.GotoAsync(host.Server.BaseAddress + "#plugins");

        await page.GetByLabel("Search the package sources").FillAsync("Acme");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search packages" }).ClickAsync();
        var results = page.GetByRole(AriaRole.Table, new() { Name = "2 packages found" });
        var gpu = results.Locator("tbody tr", new() { HasText = "Acme.GpuRedaction" });
        await Assertions.Expect(gpu.Locator("td").Nth(3)).ToContainTextAsync("no");
        await Assertions.Expect(gpu.Locator("td").Nth(3)).ToContainTextAsync("GPU");
        await Assertions.Expect(results.Locator("tbody tr", new() { HasText = "Acme.Redaction:" }).Locator("td").Nth(3)).ToHaveTextAsync("yes");

        await page.GetByLabel("Only plugins that fit this machine").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Search packages" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "1 package found" })).ToContainTextAsync("Acme.Redaction");

        var confirmations = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            confirmations.Add(dialog.Message);
            _ = dialog.AcceptAsync();
        };
        await page.GetByRole(AriaRole.Button, new() { Name = "Install Acme.Redaction 0.1.0" }).ClickAsync();
        await Assertions.Expect(page.Locator("#plugins-status")).ToContainTextAsync("Acme.Redaction 0.1.0 installed");
        var service = host.Services.GetRequiredService<PluginAI.Runtime.Plugins.PluginService>();
        Assert.Contains("Acme.Redaction", service.Installed());
        Assert.Contains(confirmations, m => m.StartsWith("Install Acme.Redaction 0.1.0 from", StringComparison.Ordinal));

        var installed = page.GetByRole(AriaRole.Table, new() { Name = "Installed plugins" });
        await installed.GetByRole(AriaRole.Button, new() { Name = "Remove PluginAI.Redaction" }).ClickAsync();
        await Assertions.Expect(page.Locator("#plugins-status")).ToContainTextAsync("not installed from a package source");
        Assert.Contains("Acme.Redaction", service.Installed());
        await AssertAccessibleAsync(page, "plugins search");

        using var remove = await host.Client.DeleteAsync("v1/pluginai/plugins/Acme.Redaction");
        Assert.Equal(HttpStatusCode.OK, remove.StatusCode);
        Assert.DoesNotContain("Acme.Redaction", service.Installed());
    }

    private static void PackCopy(string id, string feed, string? extra)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "TestPlugins", "PluginAI.Redaction");
        var copy = Path.Combine(Path.GetTempPath(), "pluginai-pack", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var manifest = File.ReadAllText(Path.Combine(copy, "pluginai.json")).Replace("\"id\": \"PluginAI.Redaction\"", $"\"id\": \"{id}\"", StringComparison.Ordinal);
        if (extra is not null)
        {
            manifest = manifest.Replace("\"hostApi\": \"[2.0,3.0)\"", "\"hostApi\": \"[2.0,3.0)\", " + extra, StringComparison.Ordinal);
        }

        File.WriteAllText(Path.Combine(copy, "pluginai.json"), manifest);
        File.Delete(Path.Combine(copy, "pluginai.sig"));
        Directory.CreateDirectory(feed);
        PluginAI.Registry.PluginPackageBuilder.BuildAsync(copy, feed).GetAwaiter().GetResult();
        Directory.Delete(copy, recursive: true);
    }

    [Fact]
    public async Task ModelsScreen_ShowsThePoolStateAndThePlanWithItsReasons_AndUnloads()
    {
        await using var host = await ServerHost.StartAsync();
        var page = await browser.NewPageAsync(host);
        await page.GotoAsync(host.Server.BaseAddress + "#models");
        var row = page.GetByRole(AriaRole.Table, new() { Name = "Registered models, their state in the pool and how they run here" }).Locator("tbody tr", new() { HasText = ServerHost.Model });
        await Assertions.Expect(row).ToContainTextAsync("not-loaded");
        await Assertions.Expect(row).ToContainTextAsync("threads");
        await Assertions.Expect(row.Locator("td").Nth(4).Locator("li").First).Not.ToBeEmptyAsync();

        using (var response = await host.Client.PostAsync("v1/chat/completions", new StringContent($$"""{"model":"{{ServerHost.Model}}","messages":[{"role":"user","content":"Once"}],"max_tokens":4}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await page.ReloadAsync();
        await Assertions.Expect(row).ToContainTextAsync("idle");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = $"Unload {ServerHost.Model}" }).ClickAsync();
        await Assertions.Expect(page.Locator("#models-status")).ToHaveTextAsync($"{ServerHost.Model} unloaded.");
        await Assertions.Expect(row).ToContainTextAsync("not-loaded");

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("missing");
        await page.GetByLabel("Path of a GGUF file on the server").FillAsync(Path.Combine(host.Root, "nothing-here.gguf"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add model" }).ClickAsync();
        await Assertions.Expect(page.Locator("#models-status")).ToContainTextAsync("nothing-here.gguf");
        await AssertAccessibleAsync(page, "models");
    }

    [Fact]
    public async Task MachineScreen_ShowsWhatDoctorReports_AndChartsTheServersFigures()
    {
        await using var host = await ServerHost.StartAsync();
        var page = await browser.NewPageAsync(host);
        await page.GotoAsync(host.Server.BaseAddress + "#machine");

        var hardware = page.GetByRole(AriaRole.Table, new() { Name = "Hardware" });
        await Assertions.Expect(hardware).ToContainTextAsync($"{Environment.ProcessorCount} threads");
        var report = await host.Services.GetRequiredService<PluginAI.Runtime.Doctor.DoctorService>().GetReportAsync();
        await Assertions.Expect(hardware.Locator("tr", new() { HasText = "Instruction sets" })).ToContainTextAsync(string.Join(' ', report.Hardware.Cpu.InstructionSets));
        await Assertions.Expect(hardware).ToContainTextAsync(report.Hardware.Cpu.ModelName);
        await Assertions.Expect(page.Locator("#chart-tokens-value")).ToHaveTextAsync("waiting for a second sample");
        using (var response = await host.Client.PostAsync("v1/chat/completions", new StringContent($$"""{"model":"{{ServerHost.Model}}","messages":[{"role":"user","content":"Once"}],"max_tokens":16}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The page samples /metrics every 5 seconds: the second sample draws the first line.
        await Assertions.Expect(page.Locator("#chart-tokens polyline")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#chart-tokens-value")).ToContainTextAsync("tokens/s now");
        var points = await page.Locator("#chart-tokens polyline").GetAttributeAsync("points");
        Assert.Contains(points!.Split(' '), p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture) < 57);
        await AssertAccessibleAsync(page, "this machine");
    }

    private async Task AssertAccessibleAsync(IPage page, string screen)
    {
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            var result = await page.RunAxe();
            var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
            Assert.True(serious.Count == 0, $"{screen} ({scheme}): " + string.Join("; ", serious.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))})")));
            if (Environment.GetEnvironmentVariable("PLUGINAI_SCREENSHOTS") is { Length: > 0 } folder)
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{screen.Replace(' ', '-')}-{scheme.ToString().ToLowerInvariant()}.png"), FullPage = true });
            }
        }
    }

    private static async Task UploadAsync(ServerHost host, string name, params (string Name, string Text)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (fileName, text) in files)
        {
            form.Add(new StringContent(text), "file", fileName);
        }

        using var response = await host.Client.PostAsync($"v1/knowledge-bases/{name}/documents", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

/// <summary>One headless chromium for the tests of a class; each test gets its own context (storage) and page.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("PLUGINAI_CHROMIUM") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(executable), $"The browser tests need chromium at {executable} (apt-get install chromium, or set PLUGINAI_CHROMIUM); .ci/run installs it.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = executable, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"] });
    }

    public async Task<IPage> NewPageAsync(ServerHost host)
    {
        var context = await _browser!.NewContextAsync(new() { BaseURL = host.Server.BaseAddress.ToString() });
        context.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
