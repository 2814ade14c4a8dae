// Placeholder so agent B's branch builds; agent A's Program.cs (the harness's entry point) replaces it at the merge.
Console.Error.WriteLine("Relay.Soak: the harness's entry point arrives with agent A's branch.");
return 2;
