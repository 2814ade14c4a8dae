using Relay.Soak;

var options = SoakOptions.TryParse(args, Environment.CurrentDirectory, Environment.GetEnvironmentVariable("RELAY_BIN"), out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

return await new SoakRun(options).RunAsync();
