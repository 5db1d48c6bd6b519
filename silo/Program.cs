using AftSweep.Silo;

return await SiloProgram.RunAsync(args);
