using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Relay.Core.Hosting;
using YamlDotNet.RepresentationModel;

namespace Relay.Cli.Tests;

/// <summary>
/// deploy/ is configuration that nothing here runs (no Docker, no cluster, no systemd as PID 1): these tests read its
/// files and check that the numbers and paths in them agree with each other and with what the server implements.
/// </summary>
public sealed class DeployManifestTests
{
    private static readonly string s_deploy = Path.Combine(FindRepositoryRoot(), "deploy");

    private static JsonObject RelayJson => ParseJson(File.ReadAllText(Path.Combine(s_deploy, "relay.json")));

    private static int MetricsPort => PortOf((string)RelayJson["metrics"]!);

    private static double DrainTimeout => (double)RelayJson["drainTimeout"]!;

    [Fact]
    public void RelayJson_SandboxExample_HasTheDocumentedKeysAndValues()
    {
        var json = RelayJson;

        Assert.Equal(["ws://0.0.0.0:8081"], json["listen"]!.AsArray().Select(node => (string)node!));
        Assert.Equal("tcp:127.0.0.1:22", (string)json["target"]!);
        Assert.Equal("0.0.0.0:9090", (string)json["metrics"]!);
        Assert.Equal(25, (double)json["drainTimeout"]!);
        Assert.Equal(25, (double)json["pingInterval"]!);
    }

    [Fact]
    public void Kubernetes_ConfigMap_CarriesTheSameRelayJson()
    {
        var configMap = Document("ConfigMap");

        var embedded = ParseJson(Scalar(configMap, "data", "relay.json"));

        Assert.True(JsonNode.DeepEquals(RelayJson, embedded), "deploy/kubernetes.yaml's ConfigMap and deploy/relay.json differ");
    }

    [Fact]
    public void Kubernetes_Probes_UseTheEndpointPathsOnTheMetricsPort()
    {
        var container = RelayContainer();

        Assert.Equal(MetricsEndpoint.HealthPath, Scalar(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal(MetricsEndpoint.ReadyPath, Scalar(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal(MetricsPort, ResolvePort(container, Scalar(container, "livenessProbe", "httpGet", "port")));
        Assert.Equal(MetricsPort, ResolvePort(container, Scalar(container, "readinessProbe", "httpGet", "port")));
    }

    [Fact]
    public void Kubernetes_ScrapeAnnotations_MatchTheMetricsEndpoint()
    {
        var template = Node(Document("Deployment"), "spec", "template");

        Assert.Equal("true", Scalar(template, "metadata", "annotations", "prometheus.io/scrape"));
        Assert.Equal(MetricsPort.ToString(CultureInfo.InvariantCulture), Scalar(template, "metadata", "annotations", "prometheus.io/port"));
        Assert.Equal(MetricsEndpoint.MetricsPath, Scalar(template, "metadata", "annotations", "prometheus.io/path"));
    }

    [Fact]
    public void Kubernetes_GracePeriod_CoversPreStopAndDrain()
    {
        var podSpec = Node(Document("Deployment"), "spec", "template", "spec");
        var grace = double.Parse(Scalar(podSpec, "terminationGracePeriodSeconds"), CultureInfo.InvariantCulture);
        var preStop = double.Parse(Scalar(RelayContainer(), "lifecycle", "preStop", "sleep", "seconds"), CultureInfo.InvariantCulture);

        Assert.True(preStop > 0, "preStop must sleep so endpoints drop the pod before the drain");
        Assert.True(grace > preStop + DrainTimeout, $"terminationGracePeriodSeconds {grace} <= preStop {preStop} + drainTimeout {DrainTimeout}");
    }

    [Fact]
    public void Kubernetes_Container_RunsServeWithTheMountedConfig()
    {
        var container = RelayContainer();
        var args = Sequence(container, "args");
        var mount = ((YamlSequenceNode)Node(container, "volumeMounts")).Children.Cast<YamlMappingNode>()
            .Single(node => Scalar(node, "name") == "config");

        Assert.Equal("serve", args[0]);
        var config = args[args.IndexOf("--config") + 1];
        Assert.Equal(Scalar(mount, "mountPath") + "/relay.json", config);
        Assert.Contains(MetricsPort, ContainerPorts(container).Values);
        Assert.Contains(ListenPort(), ContainerPorts(container).Values);
    }

    [Fact]
    public void Kubernetes_SecurityContext_NonRootWithReadOnlyRoot()
    {
        var container = RelayContainer();

        Assert.Equal("true", Scalar(container, "securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("true", Scalar(container, "securityContext", "runAsNonRoot"));
        Assert.Equal("false", Scalar(container, "securityContext", "allowPrivilegeEscalation"));
        Assert.NotEqual("0", Scalar(Node(Document("Deployment"), "spec", "template", "spec"), "securityContext", "runAsUser"));
        Assert.NotNull(Node(container, "resources", "limits"));
    }

    [Fact]
    public void Kubernetes_Service_SelectsThePodsAndForwardsTheListenPort()
    {
        var service = Document("Service");
        var deployment = Document("Deployment");
        var port = ((YamlSequenceNode)Node(service, "spec", "ports")).Children.Cast<YamlMappingNode>().Single();

        Assert.Equal(Scalar(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/name"), Scalar(service, "spec", "selector", "app.kubernetes.io/name"));
        Assert.Equal(ListenPort(), ResolvePort(RelayContainer(), Scalar(port, "targetPort")));
    }

    [Fact]
    public void Systemd_Service_RunsServeAndOutlastsTheDrain()
    {
        var unit = SystemdUnit("relay.service");
        var timeoutStop = double.Parse(unit["TimeoutStopSec"].TrimEnd('s'), CultureInfo.InvariantCulture);

        Assert.Equal("notify", unit["Type"]);
        Assert.Equal("SIGTERM", unit["KillSignal"]);
        Assert.Equal(["/usr/local/bin/relay", "serve", "--config", "/etc/relay/relay.json"], unit["ExecStart"].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(timeoutStop > DrainTimeout, $"TimeoutStopSec {timeoutStop} <= drainTimeout {DrainTimeout}");
        Assert.Equal("yes", unit["NoNewPrivileges"]);
        Assert.Equal("strict", unit["ProtectSystem"]);
        Assert.True(unit.ContainsKey("DynamicUser") || unit.ContainsKey("User"), "the unit must not run as root");
        Assert.True(unit.ContainsKey("LimitNOFILE"));
    }

    [Fact]
    public void Systemd_Socket_ListensOnTheListenPort()
    {
        var unit = SystemdUnit("relay.socket");

        Assert.Equal(ListenPort(), PortOf(unit["ListenStream"]));
        Assert.Equal("relay.service", unit["Service"]);
    }

    [Fact]
    public void Dockerfile_RuntimeStage_RunsTheRelayBinaryAsNonRoot()
    {
        var lines = File.ReadAllLines(Path.Combine(s_deploy, "Dockerfile"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
        var runtime = lines.Skip(lines.FindLastIndex(line => line.StartsWith("FROM ", StringComparison.Ordinal))).ToList();

        Assert.Equal("ENTRYPOINT [\"/usr/local/bin/relay\"]", runtime.Last(line => line.StartsWith("ENTRYPOINT ", StringComparison.Ordinal)));
        Assert.Equal("CMD [\"serve\", \"--config\", \"/etc/relay/relay.json\"]", runtime.Last(line => line.StartsWith("CMD ", StringComparison.Ordinal)));
        Assert.Contains(runtime, line => line.StartsWith("COPY --from=", StringComparison.Ordinal) && line.EndsWith(" /usr/local/bin/relay", StringComparison.Ordinal));
        Assert.Contains(runtime, line => line == "COPY deploy/relay.json /etc/relay/relay.json");
        var user = runtime.Last(line => line.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..];
        Assert.DoesNotMatch("^(root|0)(:|$)", user);

        // The build stage publishes the Native AOT binary the way CI does.
        Assert.Contains(lines, line => line == "RUN ./build.sh");
    }

    private static int ListenPort() => PortOf(RelayJson["listen"]!.AsArray().Select(node => (string)node!).Single());

    private static int PortOf(string address) => int.Parse(address[(address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

    private static YamlMappingNode RelayContainer() =>
        ((YamlSequenceNode)Node(Document("Deployment"), "spec", "template", "spec", "containers")).Children.Cast<YamlMappingNode>()
            .Single(container => Scalar(container, "name") == "relay");

    private static Dictionary<string, int> ContainerPorts(YamlMappingNode container) =>
        ((YamlSequenceNode)Node(container, "ports")).Children.Cast<YamlMappingNode>()
            .ToDictionary(port => Scalar(port, "name"), port => int.Parse(Scalar(port, "containerPort"), CultureInfo.InvariantCulture));

    /// <summary>A probe or Service port is a number or the name of a container port.</summary>
    private static int ResolvePort(YamlMappingNode container, string port) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : ContainerPorts(container)[port];

    private static YamlMappingNode Document(string kind)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(s_deploy, "kubernetes.yaml")))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(document => (YamlMappingNode)document.RootNode).Single(root => Scalar(root, "kind") == kind);
    }

    private static YamlNode Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            var mapping = Assert.IsType<YamlMappingNode>(node);
            Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out var child), $"no '{key}' in the manifest");
            node = child!;
        }

        return node;
    }

    private static string Scalar(YamlNode node, params string[] path) => Assert.IsType<YamlScalarNode>(Node(node, path)).Value!;

    private static List<string> Sequence(YamlNode node, params string[] path) =>
        Assert.IsType<YamlSequenceNode>(Node(node, path)).Children.Select(child => ((YamlScalarNode)child).Value!).ToList();

    /// <summary>The Key=Value lines of a systemd unit (the last one wins, as in systemd for single-valued keys).</summary>
    private static Dictionary<string, string> SystemdUnit(string name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(Path.Combine(s_deploy, name)))
        {
            var match = Regex.Match(line, "^([A-Za-z]+)=(.*)$");
            if (match.Success)
            {
                result[match.Groups[1].Value] = match.Groups[2].Value.Trim();
            }
        }

        return result;
    }

    private static JsonObject ParseJson(string text) => Assert.IsType<JsonObject>(JsonNode.Parse(text));

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Relay.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("no Relay.sln above " + AppContext.BaseDirectory);
    }
}
