using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace PersistStore.Module.Tests.Infrastructure;

/// <summary>
/// A script host child process the test talks to line by line (stdin/stdout), and can suspend (SIGSTOP),
/// resume (SIGCONT) or kill -9: a lock holder whose fate the test decides.
/// </summary>
public sealed class InteractiveHost : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    public InteractiveHost(string command)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Repo.HostDll);
        info.ArgumentList.Add("-Command");
        info.ArgumentList.Add(command);
        info.Environment.Remove("PERSISTSTORE_STORE");
        _process = Process.Start(info)!;
        _stderr = _process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    /// <summary>The next line of output; fails the test with the child's stderr when it ends or is silent too long.</summary>
    public string ReadLine(int timeoutSeconds = 60)
    {
        var line = _process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(timeoutSeconds)))
            throw new TimeoutException($"host {Id} wrote nothing for {timeoutSeconds} s");
        return line.Result ?? throw new InvalidOperationException($"host {Id} ended: {Stderr()}");
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {Id}")!;
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {Id} failed");
    }

    /// <summary>kill -9, then reap it, so the pid is really gone and not a zombie.</summary>
    public void Kill()
    {
        Signal("KILL");
        _process.WaitForExit();
    }

    public string Stderr() => _process.HasExited && _stderr.Wait(TimeSpan.FromSeconds(5)) ? _stderr.Result : "(still running)";

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit();
        _process.Dispose();
    }
}
