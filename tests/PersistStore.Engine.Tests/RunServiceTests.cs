using System;
using System.Linq;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using Xunit;

namespace PersistStore.Engine.Tests;

[Trait("Backends", "Both")]
public class RunServiceTests : IDisposable
{
    private readonly TestStore _store = new();
    private readonly IStoreBackend _backend;
    private readonly RunService _runs;

    public RunServiceTests()
    {
        _backend = _store.Open();
        _runs = new RunService(_backend);
    }

    public void Dispose() => _store.Dispose();

    private long HistoryCount => _backend.Read(r => r.Summarize()).HistoryEntries;

    [Fact]
    public void CreateStoresEverythingAndReadsItBackWithTypes()
    {
        var when = new DateTime(2024, 3, 1, 8, 30, 0, DateTimeKind.Utc);
        var created = _runs.Create(new NewRunRequest
        {
            Name = "Nightly", Description = "d", Path = _store.Folder, Tags = new[] { "b", "a", "B" },
            Properties = new System.Collections.Generic.Dictionary<string, object?> { ["n"] = 3, ["f"] = 0.25, ["s"] = "x", ["ok"] = true, ["at"] = when },
        });
        var read = _runs.Get(RunRef.Parse("NIGHTLY"));
        Assert.Equal(created.Id, read.Id);
        Assert.Equal("Nightly", read.Name);
        Assert.Equal(new[] { "b", "a" }, read.Tags);
        Assert.Equal(3L, read.Properties["N"]);
        Assert.Equal(0.25, read.Properties["f"]);
        Assert.Equal("x", read.Properties["s"]);
        Assert.Equal(true, read.Properties["ok"]);
        Assert.Equal(when, read.Properties["at"]);
        Assert.Equal(_store.Folder, read.Path);
        Assert.Equal(1, read.Version);
        Assert.Equal(read, _runs.Get(RunRef.ForId(created.Id)) with { Properties = read.Properties, Tags = read.Tags });
    }

    [Fact]
    public void DuplicateNamesAreRefusedCaseInsensitively()
    {
        _runs.Create(new NewRunRequest { Name = "etl" });
        long before = HistoryCount;
        var e = Assert.Throws<RunAlreadyExistsException>(() => _runs.Create(new NewRunRequest { Name = "ETL" }));
        Assert.Equal(ErrorKind.AlreadyExists, e.Kind);
        Assert.Contains("'etl'", e.Message);
        Assert.Equal(before, HistoryCount);
    }

    [Fact]
    public void BadInputWritesNothing()
    {
        long before = HistoryCount;
        Assert.Throws<InvalidRunNameException>(() => _runs.Create(new NewRunRequest { Name = "bad name" }));
        Assert.Throws<InvalidTagException>(() => _runs.Create(new NewRunRequest { Name = "ok", Tags = new[] { "" } }));
        Assert.Throws<PersistStoreException>(() => _runs.Create(new NewRunRequest { Name = "ok", Path = "/definitely/not/here" }));
        Assert.Throws<PersistStoreException>(() => _runs.Create(new NewRunRequest { Name = "ok", Path = "relative/dir" }));
        Assert.Equal(before, HistoryCount);
        Assert.Empty(_runs.Query(new RunFilter()));
    }

    [Fact]
    public void UnknownRunsAreNotFoundByNameOrId()
    {
        var e = Assert.Throws<RunNotFoundException>(() => _runs.SetTags(RunRef.Parse("ghost"), new[] { "x" }, false));
        Assert.Equal("ghost", e.Target);
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Throws<RunNotFoundException>(() => _runs.Get(RunRef.ForId(Guid.NewGuid())));
    }

    [Fact]
    public void UpdateMergesReplacesAndRemovesProperties()
    {
        _runs.Create(new NewRunRequest { Name = "r", Description = "old", Properties = new System.Collections.Generic.Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 } });
        var merged = _runs.Update(RunRef.Parse("r"), new RunChanges { Properties = new System.Collections.Generic.Dictionary<string, object?> { ["B"] = 20, ["c"] = 3 } });
        Assert.Equal(new[] { "a", "B", "c" }, merged.Properties.Keys);
        Assert.Equal(20L, merged.Properties["b"]);
        Assert.Equal("old", merged.Description);
        var removed = _runs.Update(RunRef.Parse("r"), new RunChanges { RemoveProperties = new[] { "A" }, ClearDescription = true });
        Assert.Equal(new[] { "B", "c" }, removed.Properties.Keys);
        Assert.Null(removed.Description);
        var replaced = _runs.Update(RunRef.Parse("r"), new RunChanges { ReplaceProperties = true, Properties = new System.Collections.Generic.Dictionary<string, object?> { ["z"] = "only" } });
        Assert.Equal(new[] { "z" }, replaced.Properties.Keys);
        Assert.Equal(4, replaced.Version);
        var last = _backend.Read(r => r.QueryHistory(new HistoryFilter { Last = 1 })).Single();
        Assert.Equal(Operations.UpdateRun, last.Operation);
        Assert.Equal("properties set [z]; properties removed [B, c]", last.Details);
    }

    [Fact]
    public void ChangesThatChangeNothingWriteNothing()
    {
        _runs.Create(new NewRunRequest { Name = "r", Tags = new[] { "a", "b" } });
        long before = HistoryCount;
        var same = _runs.SetTags(RunRef.Parse("r"), new[] { "a", "B" }, append: true);
        _runs.RemoveTags(RunRef.Parse("r"), new[] { "missing" });
        _runs.Update(RunRef.Parse("r"), new RunChanges());
        Assert.Equal(1, same.Version);
        Assert.Equal(before, HistoryCount);
    }

    [Fact]
    public void TagsReplaceAppendAndRemove()
    {
        _runs.Create(new NewRunRequest { Name = "r", Tags = new[] { "a" } });
        Assert.Equal(new[] { "a", "b", "c" }, _runs.SetTags(RunRef.Parse("r"), new[] { "b", "A", "c" }, append: true).Tags);
        Assert.Equal(new[] { "a", "c" }, _runs.RemoveTags(RunRef.Parse("r"), new[] { "B" }).Tags);
        Assert.Equal(new[] { "z" }, _runs.SetTags(RunRef.Parse("r"), new[] { "z" }, append: false).Tags);
        Assert.Empty(_runs.SetTags(RunRef.Parse("r"), Array.Empty<string>(), append: false).Tags);
    }

    [Fact]
    public void QueriesFilterByNamePatternsIdsAndTags()
    {
        var a = _runs.Create(new NewRunRequest { Name = "nightly-a", Tags = new[] { "nightly", "db" } });
        _runs.Create(new NewRunRequest { Name = "nightly-b", Tags = new[] { "nightly" } });
        _runs.Create(new NewRunRequest { Name = "adhoc", Tags = new[] { "DB" } });
        string[] Names(RunFilter f) => _runs.Query(f).Select(r => r.Name).ToArray();
        Assert.Equal(new[] { "adhoc", "nightly-a", "nightly-b" }, Names(new RunFilter()));
        Assert.Equal(new[] { "nightly-a", "nightly-b" }, Names(new RunFilter { NamePatterns = new[] { "NIGHTLY*" } }));
        Assert.Equal(new[] { "nightly-a", "nightly-b" }, Names(new RunFilter { NamePatterns = new[] { "nightly-[ab]" } }));
        Assert.Equal(new[] { "adhoc", "nightly-b" }, Names(new RunFilter { NamePatterns = new[] { "adhoc", "n?ghtly-b" } }));
        Assert.Equal(new[] { "nightly-a" }, Names(new RunFilter { AllTags = new[] { "nightly", "db" } }));
        Assert.Equal(new[] { "adhoc", "nightly-a", "nightly-b" }, Names(new RunFilter { AnyTags = new[] { "nightly", "db" } }));
        Assert.Equal(new[] { "adhoc", "nightly-a" }, Names(new RunFilter { AllTags = new[] { "Db", "db" } }));
        Assert.Equal(new[] { "nightly-a" }, Names(new RunFilter { Ids = new[] { a.Id }, AnyTags = new[] { "db" } }));
        Assert.Empty(Names(new RunFilter { AllTags = new[] { "nightly", "missing" } }));
    }

    [Fact]
    public void RemovedRunsKeepTheirHistory()
    {
        _runs.Create(new NewRunRequest { Name = "gone", Tags = new[] { "x" } });
        _runs.Remove(RunRef.Parse("GONE"));
        Assert.Empty(_runs.Query(new RunFilter()));
        var history = _backend.Read(r => r.QueryHistory(new HistoryFilter { RunName = "gone" }));
        Assert.Equal(new[] { Operations.CreateRun, Operations.RemoveRun }, history.Select(h => h.Operation));
        Assert.Equal(0L, Convert.ToInt64(_backend.Read(r => r.Summarize()).Runs));
    }

    [Fact]
    public void HistoryFiltersByOperationSinceAndLast()
    {
        var clock = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var runs = new RunService(_backend, clock: () => clock);
        runs.Create(new NewRunRequest { Name = "r" });
        for (int i = 0; i < 5; i++)
        {
            clock = clock.AddHours(1);
            runs.SetTags(RunRef.Parse("r"), new[] { "t" + i }, append: true);
        }
        var history = new History.HistoryService(_backend);
        Assert.Equal(5, history.Query(new HistoryFilter { Operations = new[] { "settags" } }).Count);
        Assert.Equal(new long[] { 6, 7 }, history.Query(new HistoryFilter { Last = 2 }).Select(h => h.Id));
        Assert.Equal(3, history.Query(new HistoryFilter { RunName = "r", Since = new DateTime(2024, 1, 1, 3, 0, 0, DateTimeKind.Utc) }).Count);
        Assert.Equal(6, history.Query(new HistoryFilter { RunName = "R" }).Count);
    }

    [Fact]
    public void ConcurrentWritersFromManyThreadsLoseNothing()
    {
        _runs.Create(new NewRunRequest { Name = "shared" });
        System.Threading.Tasks.Parallel.For(0, 40, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            new RunService(_store.Open(create: false)).SetTags(RunRef.Parse("shared"), new[] { "t" + i }, append: true));
        Assert.Equal(40, _runs.Get(RunRef.Parse("shared")).Tags.Count);
        Assert.Equal(42L, HistoryCount);
        Assert.Empty(new History.HistoryService(_backend).VerifyChain());
    }
}
