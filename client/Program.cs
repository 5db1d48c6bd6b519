using AftSweep.Client.Commands;

return await AftSweepApp.RunAsync(args);
