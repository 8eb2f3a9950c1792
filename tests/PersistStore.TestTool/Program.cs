using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.Loader;
using Microsoft.Data.Sqlite;

// isolation <module folder> <store path>: load Microsoft.Data.Sqlite 8 and native SQLite first, then import
//   PersistStore in the same process and use it. Exit 0 only if both work side by side.
// sql <database> <statement>: run one statement with this tool's own SQLite and print the scalar result.
switch (args.FirstOrDefault())
{
    case "isolation" when args.Length == 3:
        return Isolation(args[1], args[2]);
    case "sql" when args.Length == 3:
        using (var c = new SqliteConnection($"Data Source={args[1]};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = args[2];
            Console.WriteLine(cmd.ExecuteScalar());
        }
        return 0;
    default:
        Console.Error.WriteLine("usage: PersistStore.TestTool (isolation <module> <store> | sql <db> <statement>)");
        return 2;
}

static int Isolation(string module, string store)
{
    using (var first = new SqliteConnection("Data Source=:memory:"))
    {
        first.Open();
        Console.WriteLine($"preloaded Microsoft.Data.Sqlite {typeof(SqliteConnection).Assembly.GetName().Version} (SQLite {first.ServerVersion})");
    }
    var iss = InitialSessionState.CreateDefault2();
    using var runspace = RunspaceFactory.CreateRunspace(iss);
    runspace.Open();
    using var ps = PowerShell.Create();
    ps.Runspace = runspace;
    ps.AddScript("param($m, $s) Import-Module $m -ErrorAction Stop; New-Run -Name isolated -Tag a, b -Store $s | Out-Null; (Get-Run -Name isolated -Store $s).Tags -join ','")
      .AddParameter("m", System.IO.Path.Combine(System.IO.Path.GetFullPath(module), "PersistStore.psd1")).AddParameter("s", store);
    System.Collections.ObjectModel.Collection<PSObject> output;
    try { output = ps.Invoke(); }
    catch (RuntimeException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
    foreach (var e in ps.Streams.Error) Console.Error.WriteLine($"error: {e.Exception.Message}");
    Console.WriteLine($"tags: {string.Join(" ", output)}");
    foreach (var a in AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "Microsoft.Data.Sqlite"))
        Console.WriteLine($"loaded Microsoft.Data.Sqlite {a.GetName().Version} in {AssemblyLoadContext.GetLoadContext(a)?.GetType().Name}");
    using (var again = new SqliteConnection("Data Source=:memory:"))
    {
        again.Open();   // the preloaded one still works after PersistStore loaded its own
    }
    return ps.HadErrors || output.Count != 1 || output[0].ToString() != "a,b" ? 1 : 0;
}
