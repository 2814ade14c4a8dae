namespace Relay.Core.Tests.Relaying;

/// <summary>Tests in this collection run alone: they count every byte the process allocates.</summary>
[CollectionDefinition(nameof(AllocationMeasurement), DisableParallelization = true)]
public sealed class AllocationMeasurement;
