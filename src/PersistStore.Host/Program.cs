using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PersistStore.Host;

// persiststore-host [-Module <folder>] (-Command <text> | <script.ps1> [args...])
// Exit code: the script's `exit n`; otherwise 1 if any error was written, else 0.
var argList = args.ToList();
string? module = Take(argList, "-Module") ?? Environment.GetEnvironmentVariable("PERSISTSTORE_MODULE") ?? FindModule();
string? command = Take(argList, "-Command");
if (module == null || (command == null && argList.Count == 0))
{
    Console.Error.WriteLine("usage: persiststore-host [-Module <folder>] (-Command <text> | <script.ps1> [args...])");
    Console.Error.WriteLine(module == null ? "The module folder out/PersistStore was not found: run 'dotnet build' first." : "");
    return 2;
}

var iss = InitialSessionState.CreateDefault2();
if (OperatingSystem.IsWindows()) iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
iss.ImportPSModule(new[] { Path.Combine(Path.GetFullPath(module), "PersistStore.psd1") });
var host = new ConsoleHost();
using var runspace = RunspaceFactory.CreateRunspace(host, iss);
runspace.Open();
using var ps = PowerShell.Create();
ps.Runspace = runspace;
bool failed = false;
ps.Streams.Error.DataAdded += (s, e) => { failed = true; host.UI.WriteErrorLine(Describe(ps.Streams.Error[e.Index])); };
ps.Streams.Warning.DataAdded += (s, e) => host.UI.WriteWarningLine(ps.Streams.Warning[e.Index].Message);
ps.Streams.Verbose.DataAdded += (s, e) => host.UI.WriteVerboseLine(ps.Streams.Verbose[e.Index].Message);
ps.Streams.Debug.DataAdded += (s, e) => host.UI.WriteDebugLine(ps.Streams.Debug[e.Index].Message);
ps.Streams.Information.DataAdded += (s, e) => host.UI.WriteLine(ps.Streams.Information[e.Index].MessageData?.ToString() ?? "");

if (command != null) ps.AddScript(command);
else
{
    ps.AddCommand(Path.GetFullPath(argList[0]));
    foreach (var a in argList.Skip(1)) ps.AddArgument(a);
}
ps.AddCommand("Out-Default");
Console.CancelKeyPress += (s, e) => { e.Cancel = true; ps.BeginStop(null, null); };
try
{
    ps.Invoke();
}
catch (RuntimeException e)
{
    host.UI.WriteErrorLine(Describe(e.ErrorRecord));
    return 1;
}
if (host.ExitCode != null) return host.ExitCode.Value;
if (runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int last && last != 0) return last;
// Not ps.HadErrors: it also counts errors a script caught with try/catch, which a script host must not report.
return failed ? 1 : 0;

static string Describe(ErrorRecord e) => $"{e.Exception.Message}\n    + {e.CategoryInfo}\n    + FullyQualifiedErrorId : {e.FullyQualifiedErrorId}";

static string? Take(System.Collections.Generic.List<string> list, string name)
{
    int i = list.FindIndex(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));
    if (i < 0 || i + 1 >= list.Count) return null;
    string value = list[i + 1];
    list.RemoveRange(i, 2);
    return value;
}

static string? FindModule()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
    {
        string candidate = Path.Combine(dir.FullName, "out", "PersistStore");
        if (File.Exists(Path.Combine(candidate, "PersistStore.psd1"))) return candidate;
    }
    return null;
}
