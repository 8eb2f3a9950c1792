using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace SqliteProbe
{
    /// <summary>Points SQLitePCLRaw's native import at this module's own runtimes/ folder (pwsh probes only its own).</summary>
    public sealed class ProbeInitializer : IModuleAssemblyInitializer
    {
        public void OnImport()
        {
            string folder = Path.GetDirectoryName(typeof(ProbeInitializer).Assembly.Location)!;
            string rid = (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-"
                + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            string file = OperatingSystem.IsWindows() ? "e_sqlite3.dll" : OperatingSystem.IsMacOS() ? "libe_sqlite3.dylib" : "libe_sqlite3.so";
            string native = Path.Combine(folder, "runtimes", rid, "native", file);
            var provider = Assembly.Load("SQLitePCLRaw.provider.e_sqlite3");
            try
            {
                NativeLibrary.SetDllImportResolver(provider, (name, assembly, path) =>
                    name == "e_sqlite3" ? NativeLibrary.Load(native) : IntPtr.Zero);
            }
            catch (InvalidOperationException) { /* a resolver is already set: imported twice */ }
        }
    }

    /// <summary>Runs SQL on a SQLite file with this module's Microsoft.Data.Sqlite; writes each row's first column.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ProbeSql")]
    public sealed class InvokeProbeSqlCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)] public string Path { get; set; } = "";
        [Parameter(Mandatory = true, Position = 1)] public string Sql { get; set; } = "";

        protected override void ProcessRecord()
        {
            using var connection = new SqliteConnection($"Data Source={GetUnresolvedProviderPathFromPSPath(Path)};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = Sql;
            using var reader = command.ExecuteReader();
            do { while (reader.Read()) WriteObject(reader.IsDBNull(0) ? null : reader.GetValue(0)); } while (reader.NextResult());
        }
    }

    /// <summary>Which Microsoft.Data.Sqlite this module loaded, and in which load context.</summary>
    [Cmdlet(VerbsCommon.Get, "ProbeSqlite")]
    public sealed class GetProbeSqliteCommand : PSCmdlet
    {
        protected override void EndProcessing()
        {
            var assembly = typeof(SqliteConnection).Assembly;
            WriteObject($"{assembly.GetName().Version} in {System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(assembly)?.Name}");
        }
    }
}
