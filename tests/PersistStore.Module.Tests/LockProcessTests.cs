using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PersistStore.Module.Tests.Infrastructure;
using Xunit;

namespace PersistStore.Module.Tests;

/// <summary>
/// Locks between real processes: a holder in a child host process that the test kills (-9) or suspends
/// (SIGSTOP), waiters in this process, and eight processes incrementing one property under the lock.
/// </summary>
[Collection("Module")]
public class LockProcessTests : IDisposable
{
    private readonly ModuleFixture _ps;
    private readonly TempFolder _temp = new();

    public LockProcessTests(ModuleFixture ps)
    {
        _ps = ps;
        Run("New-Run job -Store $s").Succeeded();
    }

    public void Dispose() => _temp.Dispose();

    private string Store => _temp.File("locks.pstore");

    private PsResult Run(string script) => _ps.Run(script, new { s = Store });

    /// <summary>Takes the lock, says 'locked', then tries Set-Run for every 'set' line it reads until 'exit'.</summary>
    private InteractiveHost StartHolder(int leaseSeconds)
    {
        var holder = new InteractiveHost($@"
            $s = '{Store}'
            Enter-RunLock -Run job -Store $s -Lease {leaseSeconds} -Reason 'holder test' | Out-Null
            'locked'
            while ($true) {{
                $line = [Console]::In.ReadLine()
                if ($null -eq $line -or $line -eq 'exit') {{ break }}
                try {{ Set-Run -Run job -Store $s -Properties @{{ by = 'holder' }} -ErrorAction Stop; 'set ok' }}
                catch {{ 'set failed: ' + $_.FullyQualifiedErrorId }}
            }}");
        Assert.Equal("locked", holder.ReadLine());
        return holder;
    }

    [Fact]
    public void AWaiterFailsUnderItsBudgetNamingTheHolderThenTakesOverFromAKilledHolder()
    {
        using var holder = StartHolder(leaseSeconds: 30);

        var now = Run("Enter-RunLock job -Store $s -Timeout 0").SingleError();
        Assert.Equal("RunLocked,PersistStore.Commands.EnterRunLockCommand", now.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceBusy, now.CategoryInfo.Category);
        Assert.Equal("job", now.TargetObject);
        string message = now.Exception.Message;
        Assert.Contains($"{Environment.UserName}@{Environment.MachineName} (pid {holder.Id}) since ", message);
        Assert.Contains("reason 'holder test'", message);
        Assert.Contains("Gave up after 1 attempt over ", message);
        Assert.Equal(1, now.Exception.GetType().GetProperty("Attempts")!.GetValue(now.Exception));
        Assert.Contains("Unlock-Run -Run 'job'", message);

        // Any mutating command waits under the session's budget: three attempts, then the same error.
        var budget = Run("Connect-PersistStore -RetryBudget @{ MaxAttempts = 3; InitialDelay = 0.05; Jitter = 0 }; Set-Run job -Description d -Store $s").SingleError();
        Assert.Equal("RunLocked,PersistStore.Commands.SetRunCommand", budget.FullyQualifiedErrorId);
        Assert.Equal(3, budget.Exception.GetType().GetProperty("Attempts")!.GetValue(budget.Exception));
        Assert.Contains("Gave up after 3 attempts over ", budget.Exception.Message);
        var waited = (TimeSpan)budget.Exception.GetType().GetProperty("Waited")!.GetValue(budget.Exception)!;
        Assert.True(waited >= TimeSpan.FromMilliseconds(150), $"waited {waited}");   // the budget's two pauses, 50 and 100 ms, happened

        var seen = Run("Get-RunLock -Store $s").Succeeded().Output.Single();
        Assert.Equal(holder.Id, seen.Get("ProcessId"));
        Assert.Equal(false, seen.Get("IsStale"));
        Assert.Equal(false, seen.Get("HeldByThisSession"));

        holder.Kill();
        Assert.Equal(true, Run("Get-RunLock -Store $s").Succeeded().Output.Single().Get("IsStale"));
        var taken = Run("$l = Enter-RunLock job -Store $s -Timeout 30; Exit-RunLock job -Store $s; $l").Succeeded().Output.Single();
        Assert.Equal(Environment.ProcessId, taken.Get("ProcessId"));
        var takeover = Run("Get-RunHistory job -Operation TakeOverLock -Store $s").Succeeded().Output.Single();
        Assert.Contains($"its process {holder.Id} on {Environment.MachineName} is gone", (string)takeover.Get("Details")!);
        Assert.Null(Run("(Get-Run job -Store $s).Description").Succeeded().Output.Single());
    }

    [Fact]
    public void AHungHolderWhoseLeaseExpiredIsTakenOverAndFailsItsNextChange()
    {
        using var holder = StartHolder(leaseSeconds: 2);
        holder.WriteLine("set");
        Assert.Equal("set ok", holder.ReadLine());

        holder.Signal("STOP");
        DateTime leaseEnd;
        try
        {
            // Suspended, the holder renews no more: this is the end of its lease.
            leaseEnd = (DateTime)Run("(Get-RunLock job -Store $s).ExpiresAt").Succeeded().Single()!;
            Run("Enter-RunLock job -Store $s -Timeout 30 -Reason waiter | Out-Null; Set-Run job -Properties @{ by = 'waiter' } -Store $s; Exit-RunLock job -Store $s").Succeeded();
        }
        finally { holder.Signal("CONT"); }
        var takeover = Run("Get-RunHistory job -Operation TakeOverLock -Store $s").Succeeded().Output.Single();
        Assert.Contains("its lease expired at", (string)takeover.Get("Details")!);
        Assert.True((DateTime)takeover.Get("Time")! >= leaseEnd, $"taken over at {takeover.Get("Time"):O}, before the lease ended at {leaseEnd:O}");

        holder.WriteLine("set");
        Assert.Equal("set failed: LockLost,PersistStore.Commands.SetRunCommand", holder.ReadLine());
        Assert.Equal("waiter", Run("(Get-Run job -Store $s).Properties.by").Succeeded().Output.Single().ToString());
        holder.WriteLine("exit");
    }

    [Fact]
    public async Task EightProcessesTimesTwoHundredLockedIncrementsLoseNothing()
    {
        Run("New-Run counter -Properties @{ n = 0 } -Store $s").Succeeded();
        string script = $@"
            $s = '{Store}'
            for ($i = 0; $i -lt 200; $i++) {{
                Enter-RunLock -Run counter -Store $s -Timeout 600 | Out-Null
                $n = (Get-Run -Name counter -Store $s).Properties['n']
                Set-Run -Run counter -Store $s -Properties @{{ n = $n + 1 }}
                Exit-RunLock -Run counter -Store $s
            }}
            'done'";
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ChildProcess.HostCommandAsync(script)));
        Assert.All(results, r => Assert.True(r.ExitCode == 0 && r.Stdout.Trim() == "done" && r.Stderr.Length == 0, r.ToString()));

        Assert.Equal(1600L, Run("(Get-Run counter -Store $s).Properties.n").Succeeded().Output.Single().BaseObject);
        var increments = Run("Get-RunHistory counter -Operation UpdateRun -Store $s").Succeeded().Output;
        Assert.Equal(1600, increments.Count);
        Assert.All(increments, h => Assert.Equal("properties set [n]", h.Get("Details")));
        Assert.Equal(8, increments.Select(h => h.Get("ProcessId")).Distinct().Count());
        Assert.Empty(Run("Get-RunLock -Store $s").Succeeded().Output);
        Assert.Empty(Run("Get-RunHistory counter -Operation TakeOverLock -Store $s").Succeeded().Output);
    }
}
