using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace PersistStore.Module.Tests.Infrastructure;

public sealed record ChildResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Real child processes: the test tool (raw SQL with its own SQLite). Cmdlets in child pwsh processes are tested with Pester.</summary>
public static class ChildProcess
{
    public static ChildResult Tool(params string[] args) => RunAsync(Repo.TestToolDll, args, null).GetAwaiter().GetResult();

    public static async Task<ChildResult> RunAsync(string dll, IEnumerable<string> args, IDictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("PERSISTSTORE_STORE");   // children see only what a test gives them
        foreach (var kv in environment ?? new Dictionary<string, string?>())
        {
            if (kv.Value == null) info.Environment.Remove(kv.Key);
            else info.Environment[kv.Key] = kv.Value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(5));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{dll} {string.Join(" ", args)} did not finish in 5 minutes");
        }
        return new ChildResult(process.ExitCode, await stdout, await stderr);
    }
}
