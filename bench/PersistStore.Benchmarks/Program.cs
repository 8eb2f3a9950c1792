using BenchmarkDotNet.Running;
using PersistStore.Benchmarks;

// dotnet run -c Release --project bench/PersistStore.Benchmarks -- cmdlets out/PersistStore [operations]
// dotnet run -c Release --project bench/PersistStore.Benchmarks -- [BenchmarkDotNet arguments, e.g. --filter *]
// dotnet PersistStore.Benchmarks.dll ps-checkpoint|ps-revert|ps-export|ps-warmup <store> <run> ...   (see EngineCommands)
if (args.Length >= 3 && args[0].StartsWith("ps-", System.StringComparison.Ordinal))
    return EngineCommands.Run(args);
if (args.Length >= 2 && args[0] == "cmdlets")
    return CmdletTimings.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 1000);
BenchmarkSwitcher.FromAssembly(typeof(RunBenchmarks).Assembly).Run(args);
return 0;
