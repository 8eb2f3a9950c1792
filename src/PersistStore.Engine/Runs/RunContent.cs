using System;
using System.Linq;
using PersistStore.Engine.Model;

namespace PersistStore.Engine.Runs
{
    /// <summary>Whether two versions of a run differ in anything a user can set (tag spelling and order count).</summary>
    internal static class RunContent
    {
        public static bool Equal(RunRecord a, RunRecord b) =>
            a.Description == b.Description
            && a.Path == b.Path
            && a.Tags.SequenceEqual(b.Tags, StringComparer.Ordinal)
            && a.Properties.Keys.SequenceEqual(b.Properties.Keys, StringComparer.Ordinal)
            && a.Properties.All(kv => Equals(kv.Value, b.Properties[kv.Key]));
    }
}
