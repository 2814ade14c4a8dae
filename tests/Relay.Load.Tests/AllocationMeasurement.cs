namespace Relay.Load.Tests;

/// <summary>Allocation tests count the whole process's allocations: they run alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(AllocationMeasurement), DisableParallelization = true)]
public sealed class AllocationMeasurement;
