using System.Collections.Generic;

namespace PersistStore.Engine.Runs
{
    public sealed record NewRunRequest
    {
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public string? Path { get; set; }
        public IReadOnlyDictionary<string, object?> Properties { get; set; } = new Dictionary<string, object?>();
        public IReadOnlyList<string> Tags { get; set; } = new string[0];
    }

    /// <summary>An edit of a run's description, path and properties; fields left null stay as they are.</summary>
    public sealed record RunChanges
    {
        public string? Description { get; set; }
        public bool ClearDescription { get; set; }
        public string? Path { get; set; }
        public bool ClearPath { get; set; }
        /// <summary>Set (merge) these properties.</summary>
        public IReadOnlyDictionary<string, object?>? Properties { get; set; }
        /// <summary>With Properties: drop every property not in it.</summary>
        public bool ReplaceProperties { get; set; }
        public IReadOnlyList<string>? RemoveProperties { get; set; }
    }
}
