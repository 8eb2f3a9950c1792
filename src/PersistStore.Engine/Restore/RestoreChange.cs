using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Restore
{
    public enum ChangeKind { Added, Modified, Removed }

    /// <summary>One difference between two states of a run's directory; Path is relative, with '/' separators.</summary>
    public sealed record PathChange(string Path, ChangeKind Change, EntryKind Kind, string Detail);
}
