using System;
using System.Collections.Generic;

namespace PersistStore.Engine.Model
{
    // Public engine types use set, not init: the cmdlets compile against the netstandard2.0 engine (whose
    // IsExternalInit is a polyfill) but run on the net8.0 one, and init setters differ in signature across the two.
    /// <summary>A run as stored. Properties are ordered by name and compared case-insensitively.</summary>
    public sealed record RunRecord
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public string? Path { get; set; }
        public IReadOnlyDictionary<string, object> Properties { get; set; } = new Dictionary<string, object>();
        public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();
        public DateTime CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";
        public DateTime ModifiedAt { get; set; }
        public string ModifiedBy { get; set; } = "";
        /// <summary>Incremented by every change of the run; lets writers detect a run changed under them.</summary>
        public long Version { get; set; }
    }
}
