using Eve.Appliance.Cli;

// Composition root: parse the command, run it, map failures to exit codes (STYLE §1.6, §5.5).
return (int)await CommandDispatcher.RunAsync(args, Console.Out, Console.Error);
