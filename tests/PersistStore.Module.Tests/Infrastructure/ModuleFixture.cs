using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Xunit;

namespace PersistStore.Module.Tests.Infrastructure;

/// <summary>One runspace pool with the laid-out module imported, shared by the whole "Module" collection.</summary>
public sealed class ModuleFixture : IDisposable
{
    public ModuleFixture()
    {
        var iss = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows()) iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        iss.ImportPSModule(new[] { Repo.Manifest });
        Pool = RunspaceFactory.CreateRunspacePool(iss);
        Pool.SetMaxRunspaces(4);
        Pool.Open();
    }

    public RunspacePool Pool { get; }

    /// <summary>
    /// Runs a script in a pooled runspace, in a local scope, after clearing any session default a previous test
    /// left in that runspace. Named values become parameters of the script.
    /// </summary>
    public PsResult Run(string script, object? values = null)
    {
        var parameters = values?.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(values)) ?? new Dictionary<string, object?>();
        string header = parameters.Count == 0 || script.TrimStart().StartsWith("param(", StringComparison.OrdinalIgnoreCase) ? "" : "param(" + string.Join(", ", parameters.Keys.Select(k => "$" + k)) + ")\n";
        using var ps = PowerShell.Create();
        ps.RunspacePool = Pool;
        ps.AddScript("Disconnect-PersistStore", useLocalScope: true).AddStatement();
        ps.AddScript(header + script, useLocalScope: true);
        foreach (var kv in parameters) ps.AddParameter(kv.Key, kv.Value);
        var result = new PsResult();
        try { result.Output.AddRange(ps.Invoke()); }
        catch (RuntimeException e) { result.Terminating = e.ErrorRecord; }
        result.Errors.AddRange(ps.Streams.Error);
        result.Warnings.AddRange(ps.Streams.Warning.Select(w => w.Message));
        result.Verbose.AddRange(ps.Streams.Verbose.Select(w => w.Message));
        result.Debug.AddRange(ps.Streams.Debug.Select(w => w.Message));
        result.Progress.AddRange(ps.Streams.Progress);
        return result;
    }

    public void Dispose() => Pool.Dispose();
}

public sealed class PsResult
{
    public List<PSObject> Output { get; } = new();
    public List<ErrorRecord> Errors { get; } = new();
    public List<string> Warnings { get; } = new();
    public List<string> Verbose { get; } = new();
    public List<string> Debug { get; } = new();
    public List<ProgressRecord> Progress { get; } = new();
    public ErrorRecord? Terminating { get; set; }

    public IEnumerable<ErrorRecord> AllErrors => Terminating == null ? Errors : Errors.Append(Terminating);

    /// <summary>Fails with every error's text, so a broken test says why.</summary>
    public PsResult Succeeded()
    {
        var all = AllErrors.ToList();
        Assert.True(all.Count == 0, "PowerShell errors:\n" + string.Join("\n", all.Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message}")));
        return this;
    }

    public ErrorRecord SingleError()
    {
        var all = AllErrors.ToList();
        Assert.True(all.Count == 1, $"expected one error, got {all.Count}:\n" + string.Join("\n", all.Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message}")));
        return all[0];
    }

    public object? Single(string property = "") => property.Length == 0
        ? Assert.Single(Output).BaseObject
        : Assert.Single(Output).Properties[property]?.Value;
}

public static class PsObjects
{
    public static object? Get(this PSObject o, string property) => o.Properties[property]?.Value;

    public static string[] Strings(this PSObject o, string property) => ((IEnumerable)o.Get(property)!).Cast<object>().Select(x => x.ToString()!).ToArray();
}

[CollectionDefinition("Module")]
public sealed class ModuleCollection : ICollectionFixture<ModuleFixture> { }
