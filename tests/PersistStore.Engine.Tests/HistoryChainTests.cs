using System.Collections.Generic;
using System.Linq;
using PersistStore.Engine.History;
using PersistStore.Engine.Runs;
using Xunit;

namespace PersistStore.Engine.Tests;

[Trait("Backends", "Both")]
public class HistoryChainTests
{
    private static List<Model.HistoryRecord> WriteSomeHistory(TestStore store)
    {
        var backend = store.Open();
        var runs = new RunService(backend);
        runs.Create(new NewRunRequest { Name = "a", Tags = new[] { "x" } });
        runs.SetTags(RunRef.Parse("a"), new[] { "y" }, append: true);
        runs.Create(new NewRunRequest { Name = "b" });
        runs.Remove(RunRef.Parse("b"));
        return new HistoryService(backend).Query(new Model.HistoryFilter()).ToList();
    }

    [Fact]
    public void AnIntactLogVerifies()
    {
        using var store = new TestStore();
        var entries = WriteSomeHistory(store);
        Assert.Equal(5, entries.Count);
        Assert.Equal(HistoryChain.GenesisHash, entries[0].PreviousHash);
        Assert.Empty(HistoryChain.Verify(entries));
        Assert.Empty(new HistoryService(store.Open()).VerifyChain());
    }

    [Fact]
    public void EditingAnEntryIsDetected()
    {
        using var store = new TestStore();
        var entries = WriteSomeHistory(store);
        entries[2] = entries[2] with { Details = "forged" };
        Assert.Equal(new[] { "History entry 3 was altered after it was written (hash mismatch)." }, HistoryChain.Verify(entries));
    }

    [Fact]
    public void RemovingAnEntryIsDetected()
    {
        using var store = new TestStore();
        var entries = WriteSomeHistory(store);
        entries.RemoveAt(1);
        var problems = HistoryChain.Verify(entries);
        Assert.Contains("History entry 3 follows entry 1: entries are missing.", problems);
        Assert.Contains("History entry 3 does not chain to the entry before it.", problems);
    }

    [Fact]
    public void RehashingAnEditedEntryStillBreaksTheNextLink()
    {
        using var store = new TestStore();
        var entries = WriteSomeHistory(store);
        entries[1] = entries[1] with { User = "mallory" };
        entries[1] = entries[1] with { Hash = HistoryChain.ComputeHash(entries[1]) };
        Assert.Equal(new[] { "History entry 3 does not chain to the entry before it." }, HistoryChain.Verify(entries));
    }
}
