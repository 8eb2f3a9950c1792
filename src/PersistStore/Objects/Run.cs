using System;
using System.Collections;

namespace PersistStore
{
    /// <summary>A run as written to the pipeline. Store says which store it came from, so piping it on stays there.</summary>
    public sealed class Run
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public string? Path { get; set; }
        public Hashtable Properties { get; set; } = new Hashtable(StringComparer.OrdinalIgnoreCase);
        public string[] Tags { get; set; } = Array.Empty<string>();
        public DateTime CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";
        public DateTime ModifiedAt { get; set; }
        public string ModifiedBy { get; set; } = "";
        public long Version { get; set; }
        public string Store { get; set; } = "";
        internal string? StoreValue { get; set; }

        public override string ToString() => Name;
    }
}
