using System;
using System.Collections.Generic;
using System.IO;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Model;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using PersistStore.Tests.Shared;

namespace PersistStore.Engine.Tests;

/// <summary>A store of the test's backend with one run, "job", whose directory is a work folder in it: the setup of
/// the tests that checkpoint, export and revert.</summary>
public abstract class RunFolderTests : IDisposable
{
    protected readonly TestStore _store = new();
    protected readonly IStoreBackend _backend;
    protected readonly string _work;
    protected readonly CheckpointService _checkpoints;
    protected readonly RestoreService _restore;

    protected RunFolderTests(IReadOnlyList<string>? tags = null, Dictionary<string, object?>? properties = null)
    {
        _backend = _store.Open();
        _work = Directory.CreateDirectory(Path.Combine(_store.Folder, "work")).FullName;
        new RunService(_backend).Create(new NewRunRequest { Name = "job", Path = _work, Tags = tags ?? Array.Empty<string>(), Properties = properties ?? new Dictionary<string, object?>() });
        _checkpoints = new CheckpointService(_backend);
        _restore = new RestoreService(_backend);
    }

    public void Dispose() => _store.Dispose();

    protected static RunRef Job => RunRef.Parse("job");

    /// <summary>Exports a checkpoint into a new folder of the store's test folder; returns that folder.</summary>
    protected string Export(CheckpointRecord c)
    {
        string target = Path.Combine(_store.Folder, "export-" + Guid.NewGuid().ToString("N"));
        _restore.Export(c, target);
        return target;
    }
}
