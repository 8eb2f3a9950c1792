using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PersistStore.Benchmarks;

/// <summary>
/// What a user waits for in the hosted PowerShell 7.6.9 engine: the first Import-Module in a fresh process, the
/// first command (loads the engine, SQLite and opens a store), repeated imports in new runspaces, and cmdlet
/// throughput. Run it as its own process: the first import can only be measured once per process.
/// </summary>
public static class CmdletTimings
{
    public static int Run(string moduleFolder, int operations)
    {
        string manifest = Path.Combine(Path.GetFullPath(moduleFolder), "PersistStore.psd1");
        string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "persiststore-cmdlet-bench-" + Guid.NewGuid().ToString("N"))).FullName;
        string store = Path.Combine(folder, "bench.pstore");
        try
        {
            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            var sw = Stopwatch.StartNew();
            runspace.Open();
            Report("runspace open (no module)", sw.Elapsed.TotalMilliseconds, "ms");

            sw.Restart();
            Invoke(runspace, "param($m) Import-Module $m", new { m = manifest });
            Report("Import-Module, first in process", sw.Elapsed.TotalMilliseconds, "ms");

            sw.Restart();
            Invoke(runspace, "param($s) Connect-PersistStore -Path $s", new { s = store });
            Report("first command (engine + SQLite load, new store)", sw.Elapsed.TotalMilliseconds, "ms");

            var repeated = Enumerable.Range(0, 20).Select(_ =>
            {
                using var rs = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
                rs.Open();
                var t = Stopwatch.StartNew();
                Invoke(rs, "param($m) Import-Module $m", new { m = manifest });
                return t.Elapsed.TotalMilliseconds;
            }).OrderBy(x => x).ToList();
            Report("Import-Module, repeated (median of 20 new runspaces)", repeated[repeated.Count / 2], "ms");

            sw.Restart();
            Invoke(runspace, $"1..{operations} | ForEach-Object {{ New-Run \"run-$_\" -Tag nightly | Out-Null }}", null);
            Report($"New-Run x{operations} (one pipeline)", operations / sw.Elapsed.TotalSeconds, "ops/s");

            sw.Restart();
            Invoke(runspace, $"1..{operations} | ForEach-Object {{ Set-RunTag \"run-$_\" -Tag reviewed -Append }}", null);
            Report($"Set-RunTag -Append x{operations}", operations / sw.Elapsed.TotalSeconds, "ops/s");

            sw.Restart();
            Invoke(runspace, $"1..{operations} | ForEach-Object {{ Enter-RunLock run-1 | Out-Null; Exit-RunLock run-1 }}", null);
            Report($"Enter-RunLock + Exit-RunLock x{operations} (uncontended, per pair)", sw.Elapsed.TotalMilliseconds / operations, "ms");

            sw.Restart();
            Invoke(runspace, "Get-Run -Tag nightly | Out-Null", null);
            Report($"Get-Run -Tag nightly ({operations} runs returned)", sw.Elapsed.TotalMilliseconds, "ms");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Invoke(Runspace runspace, string script, object? values)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        foreach (var p in values?.GetType().GetProperties() ?? Array.Empty<System.Reflection.PropertyInfo>()) ps.AddParameter(p.Name, p.GetValue(values));
        ps.Invoke();
        if (ps.HadErrors) throw new InvalidOperationException(string.Join("\n", ps.Streams.Error.Select(e => e.ToString())));
    }

    private static void Report(string what, double value, string unit) => Console.WriteLine($"| {what} | {value:N1} {unit} |");
}
