using Relay.Soak;

if (SoakOptions.IsHelpRequest(args))
{
    Console.WriteLine(SoakOptions.Help);
    return 0;
}

var options = SoakOptions.TryParse(args, Environment.CurrentDirectory, Environment.GetEnvironmentVariable("RELAY_BIN"), out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

try
{
    return await new SoakRun(options).RunAsync();
}
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
{
    // A relay that would not start or get ready, or an output directory we cannot write: one line, exit 1.
    Console.Error.WriteLine($"soak: {ex.Message}");
    return 1;
}
