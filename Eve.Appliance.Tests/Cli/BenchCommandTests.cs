using Eve.Appliance.Cli;

namespace Eve.Appliance.Tests.Cli;

/// <summary>`bench` and `sim` argument handling, through the dispatcher as the executable runs it.</summary>
[TestFixture]
public sealed class BenchCommandTests
{
    private static async Task<(ExitCode Exit, string Stdout, string Stderr)> RunAsync(params string[] argv)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandDispatcher.RunAsync(argv, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public async Task Bench_WithoutArea_IsAUsageError_ListingTheAreas()
    {
        var (exit, _, err) = await RunAsync("bench");
        Assert.That(exit, Is.EqualTo(ExitCode.Usage));
        Assert.That(err, Does.Contain("spine, tpm, partition, download, vm"));
    }

    [Test]
    public async Task Bench_UnknownArea_IsAUsageError_NamingIt()
    {
        var (exit, _, err) = await RunAsync("bench", "spien");
        Assert.That(exit, Is.EqualTo(ExitCode.Usage));
        Assert.That(err, Does.Contain("unknown benchmark area 'spien'"));
    }

    [Test]
    public async Task Bench_UnknownOption_IsRefusedBeforeAnythingRuns()
    {
        var (exit, stdout, err) = await RunAsync("bench", "spine", "--devices", "5");
        Assert.That(exit, Is.EqualTo(ExitCode.Usage));
        Assert.That(err, Does.Contain("--devices"));
        Assert.That(stdout, Does.Not.Contain("== bench"), "no benchmark started");
    }

    [Test]
    public void Select_All_IsEveryArea_InOrder_AndOneNameIsOneArea()
    {
        Assert.That(BenchCommand.Select("all").Select(a => a.Name), Is.EqualTo(new[] { "spine", "tpm", "partition", "download", "vm", "apps", "net", "baseos", "telemetry", "ingest", "appnet", "objects" }));
        Assert.That(BenchCommand.Select("tpm").Select(a => a.Name), Is.EqualTo(new[] { "tpm" }));
    }

    [TestCase("--devices", "0", "at least one device")]
    [TestCase("--mode", "flood", "expected fleet, storm or poll")]
    [TestCase("--speedup", "-2", "must be a positive number")]
    [TestCase("--controller", "http://x:1", "expected an https:// URL")]
    [TestCase("--protocol", "http3", "expected http1 or http2")]
    public async Task Sim_BadOption_IsAUsageError_SayingWhy(string option, string value, string why)
    {
        var argv = new List<string> { "sim", "--devices", "3", "--bootstrap", "/nonexistent" };
        var at = argv.IndexOf(option);
        if (at >= 0) argv[at + 1] = value;
        else argv.AddRange([option, value]);
        var (exit, _, err) = await RunAsync([.. argv]);
        Assert.That(exit, Is.EqualTo(ExitCode.Usage), err);
        Assert.That(err, Does.Contain(why));
    }

    [Test]
    public async Task Sim_MissingBootstrapFolder_SaysWhichFolder()
    {
        var (exit, _, err) = await RunAsync("sim", "--devices", "2", "--bootstrap", "/nonexistent/boot");
        Assert.That(exit, Is.EqualTo(ExitCode.Failure));
        Assert.That(err, Does.Contain("/nonexistent/boot"));
    }
}
