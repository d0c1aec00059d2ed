using Microsoft.AspNetCore.Builder;

namespace Eve.Appliance.Hosting;

/// <summary>
/// Every Kestrel host in the appliance starts here. ASP.NET Core's defaults take the current folder as
/// content root and watch it recursively for appsettings.json changes; on Linux that is one inotify
/// watch per subfolder and an lstat of every file that changes below it. Started from /tmp (or from /
/// as a service) an idle controller spent ~5 % of a core following other programs' writes. We read no
/// appsettings, so: content root = our own install folder, and no reload watching at all.
/// </summary>
internal static class WebHostBuilder
{
    public static WebApplicationBuilder CreateSlim() => WebApplication.CreateSlimBuilder(new WebApplicationOptions
    {
        // Command-line style settings are the one way to reach the host's own configuration before it
        // builds its sources; the appliance's real arguments are parsed by Cli/, never by ASP.NET.
        Args = ["--hostBuilder:reloadConfigOnChange=false"],
        ContentRootPath = AppContext.BaseDirectory,
    });
}
