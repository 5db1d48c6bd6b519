using AftSweep.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddAftSweepSilo(args);
var app = builder.Build();
app.MapAftSweepEndpoints();
app.Run();
