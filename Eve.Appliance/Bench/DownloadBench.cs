using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Eve.Appliance.Agent.Content;
using Eve.Appliance.Platform.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Bench;

/// <summary>Download + sha256 verify throughput of <see cref="Downloader"/> against a local Kestrel
/// serving one random blob from a file over plain HTTP on 127.0.0.1, compared with `curl -o` of the
/// same URL into the same filesystem, and with `curl` followed by `sha256sum` (the shell equivalent
/// of download+verify). Median of N runs each; every run starts from an empty store.</summary>
internal static class DownloadBench
{
    public static void Run(TextWriter output) => RunAsync(output, sizeMiB: 256, runs: 3).GetAwaiter().GetResult();

    public static async Task RunAsync(TextWriter output, int sizeMiB, int runs)
    {
        var dir = Directory.CreateTempSubdirectory("eve-dlbench-").FullName;
        try
        {
            var source = Path.Combine(dir, "blob.bin");
            await WriteRandomAsync(source, (long)sizeMiB << 20);
            string sha;
            await using (var f = File.OpenRead(source)) sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(f));

            var builder = Hosting.WebHostBuilder.CreateSlim();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            await using var app = builder.Build();
            app.Run(ctx => ctx.Response.SendFileAsync(source));
            await app.StartAsync();
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/blob.bin";

            output.WriteLine($"download bench: {sizeMiB} MiB random blob from Kestrel on {url}, median of {runs} runs, {Environment.ProcessorCount} host cores");
            var ours = new List<double>();
            var curl = new List<double>();
            var curlSha = new List<double>();
            using var http = DatastoreHttpClient.Create();
            for (var i = 0; i < runs; i++)
            {
                var storeDir = Path.Combine(dir, $"store{i}");
                var downloader = new Downloader(new BlobStore(storeDir), http);
                var sw = Stopwatch.StartNew();
                await downloader.DownloadAsync(new DownloadRequest(new Uri(url), sha));
                ours.Add(sw.Elapsed.TotalSeconds);
                Directory.Delete(storeDir, recursive: true);

                var target = Path.Combine(dir, $"curl{i}.bin");
                sw.Restart();
                await ProcessRunner.Default.RunAsync("curl", ["-sS", "-o", target, url], TimeSpan.FromMinutes(5));
                curl.Add(sw.Elapsed.TotalSeconds);
                await ProcessRunner.Default.RunAsync("sha256sum", [target], TimeSpan.FromMinutes(5));
                curlSha.Add(sw.Elapsed.TotalSeconds);
                File.Delete(target);
            }
            double Rate(List<double> s) => sizeMiB / BenchFiles.Median(s);
            output.WriteLine($"Downloader (download + sha256 + fsync + rename) {Rate(ours),7:0} MiB/s  ({BenchFiles.Median(ours):0.00} s)");
            output.WriteLine($"curl -o (download only)                         {Rate(curl),7:0} MiB/s  ({BenchFiles.Median(curl):0.00} s)");
            output.WriteLine($"curl -o && sha256sum                            {Rate(curlSha),7:0} MiB/s  ({BenchFiles.Median(curlSha):0.00} s)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WriteRandomAsync(string path, long size)
    {
        var chunk = new byte[1 << 20];
        await using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        for (long done = 0; done < size; done += chunk.Length)
        {
            RandomNumberGenerator.Fill(chunk);
            await f.WriteAsync(chunk);
        }
    }
}
