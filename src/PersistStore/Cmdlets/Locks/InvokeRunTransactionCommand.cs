using System;
using System.Management.Automation;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Transactions;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Runs a script block on a locked run: on success the run is checkpointed; on a terminating error (or Ctrl+C)
    /// its files, properties, tags, description and path go back to their state at the start, the lock is
    /// released and the error is rethrown.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "RunTransaction", SupportsShouldProcess = true)]
    [OutputType(typeof(object), typeof(Checkpoint))]
    public sealed class InvokeRunTransactionCommand : LockingCmdlet
    {
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNull]
        public ScriptBlock ScriptBlock { get; set; } = null!;

        /// <summary>The message of the checkpoint taken when the block succeeds.</summary>
        [Parameter]
        public string? Message { get; set; }

        /// <summary>Also write the checkpoint taken on success (after the block's own output).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var (backend, resolved) = OpenStore(createIfMissing: false, Run);
            if (!ShouldProcess($"run '{Run}' in {resolved.Location.Display}", "Run the script block under the run's lock; checkpoint on success, roll back on failure")) return;
            Action<PersistStoreException> report = e => { if (!Stopping) WriteError(ErrorRecords.From(e)); };
            RunTransaction transaction;
            try { transaction = RunTransaction.Begin(backend, Caller, ToRunRef(Run), Lease, Reason ?? $"Invoke-RunTransaction by {Caller.Actor.UserAtHost}", report, Cancellation); }
            catch (PersistStoreException e) { ThrowTerminatingError(ErrorRecords.From(e, Run)); return; }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }

            using (transaction)
            {
                System.Collections.ObjectModel.Collection<PSObject> output;
                try
                {
                    output = ScriptBlock.Invoke();
                }
                catch (Exception)
                {
                    // No Write* before the rollback: on Ctrl+C they throw, and the rollback must still happen.
                    try { transaction.Rollback(report); }
                    catch (PersistStoreException e) when (!Stopping)
                    {
                        WriteError(new ErrorRecord(new PersistStoreException("RollbackFailed", ErrorKind.InvalidOperation, transaction.Start.Name,
                            $"The block failed and the run '{transaction.Start.Name}' could not be rolled back: {e.Message} "
                            + (transaction.StartCheckpoint == null ? "" : $"Its start is checkpoint {transaction.StartCheckpoint.Number}: Invoke-RunRevert -Run '{transaction.Start.Name}' -Checkpoint {transaction.StartCheckpoint.Number} -IncludeTags brings it back."), e),
                            "RollbackFailed", ErrorCategory.InvalidOperation, transaction.Start.Name));
                    }
                    throw;
                }
                foreach (var item in output) WriteObject(item);
                try
                {
                    var checkpoint = transaction.Commit(Message, report, Cancellation);
                    if (checkpoint != null) WriteVerbose($"Checkpoint {checkpoint.Number} of run '{checkpoint.RunName}' records the transaction.");
                    if (PassThru && checkpoint != null) WriteObject(OutputObjects.ToCheckpoint(checkpoint, resolved.Location));
                }
                catch (PersistStoreException e) { ThrowTerminatingError(ErrorRecords.From(e, Run)); }
                catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            }
        }
    }
}
