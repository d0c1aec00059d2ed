[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
// Fixtures run in parallel; each uses its own temp folders, ports and namespaces.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
