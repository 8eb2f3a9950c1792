using System.Collections;
using System.Management.Automation;
using PersistStore.Engine.Runs;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Changes a run's description, tracked directory and properties.</summary>
    [Cmdlet(VerbsCommon.Set, "Run", SupportsShouldProcess = true)]
    [OutputType(typeof(Run))]
    public sealed class SetRunCommand : RunCmdlet
    {
        /// <summary>The new description; an empty string clears it.</summary>
        [Parameter]
        [AllowEmptyString]
        public string? Description { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        [Parameter]
        public SwitchParameter ClearPath { get; set; }

        /// <summary>Properties to set (merged into the existing ones unless -ReplaceProperties).</summary>
        [Parameter]
        [Alias("Property")]
        public Hashtable? Properties { get; set; }

        [Parameter]
        public SwitchParameter ReplaceProperties { get; set; }

        [Parameter]
        public string[]? RemoveProperty { get; set; }

        protected override void ProcessRecord()
        {
            RunChanges? changes = null;
            ChangeRun("Set description, path or properties",
                () => changes = new RunChanges
                {
                    Description = string.IsNullOrEmpty(Description) ? null : Description,
                    ClearDescription = Description != null && Description.Length == 0,
                    Path = Path == null ? null : FullPath(Path),
                    ClearPath = ClearPath,
                    Properties = Properties == null ? null : PowerShellValues.ToProperties(Properties),
                    ReplaceProperties = ReplaceProperties,
                    RemoveProperties = RemoveProperty,
                },
                (runs, run) => runs.Update(run, changes!, Cancellation));
        }
    }
}
