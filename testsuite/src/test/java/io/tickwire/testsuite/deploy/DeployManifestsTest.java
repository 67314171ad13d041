package io.tickwire.testsuite.deploy;

import io.tickwire.server.Main;
import io.tickwire.server.config.AdminSettings;
import io.tickwire.server.config.TransportSettings;
import io.tickwire.server.fleet.matchmaker.MatchmakerCommand;
import io.tickwire.server.fleet.matchmaker.MatchmakerSettings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes and Agones manifests in {@code deploy/} parse, and agree with each other and with
 * the code: every object is named and namespaced, every container has an image, resource requests
 * and a memory limit, probes and Services point at declared ports, secrets referenced exist, the
 * ports are the server's and matchmaker's defaults, and every {@code TICKWIRE_*} variable set is one
 * the launcher reads (a misspelt one would be silently ignored). {@code kubectl apply --dry-run=client}
 * needs an API server for discovery, so these are the offline checks; when {@code kubectl} is installed,
 * it also decodes every manifest without a cluster ({@code --local}): built-in kinds, and the Fleet's pod
 * template, into Kubernetes' typed objects (a wrong field type fails), Agones' kinds as objects with kind
 * and name. Without kubectl that test is skipped, unless {@code TICKWIRE_REQUIRE_KUBECTL=1}.
 */
class DeployManifestsTest
{
    private static final Path DEPLOY = Path.of(System.getProperty("tickwire.deploy.dir", "../deploy"));
    private static final List<Map<String, Object>> DOCS = new ArrayList<>();

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException
    {
        assertTrue(Files.isDirectory(DEPLOY), "deploy dir: " + DEPLOY.toAbsolutePath());
        try (Stream<Path> files = Files.list(DEPLOY))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList())
            {
                final Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
                for (final Object doc : yaml.loadAll(Files.readString(file)))
                {
                    assertTrue(doc instanceof Map, file + ": every document is an object");
                    final Map<String, Object> object = (Map<String, Object>)doc;
                    object.put("__file", file.getFileName().toString());
                    DOCS.add(object);
                }
            }
        }
        assertTrue(DOCS.size() >= 7, "documents: " + DOCS.size());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object value, final String... path)
    {
        Object current = value;
        for (final String key : path)
        {
            assertTrue(current instanceof Map, "expected an object at " + key + " in " + value);
            current = ((Map<String, Object>)current).get(key);
        }
        return (Map<String, Object>)current;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(final Map<String, Object> value, final String key)
    {
        final Object list = value == null ? null : value.get(key);
        return list == null ? List.of() : (List<Object>)list;
    }

    private static List<Map<String, Object>> ofKind(final String kind)
    {
        return DOCS.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    /** Pod specs with their owner: Deployments' and the Fleet's GameServer template's. */
    private static List<Map<String, Object>> podSpecs()
    {
        final List<Map<String, Object>> specs = new ArrayList<>();
        ofKind("Deployment").forEach(d -> specs.add(map(d, "spec", "template", "spec")));
        ofKind("Fleet").forEach(f -> specs.add(map(f, "spec", "template", "spec", "template", "spec")));
        return specs;
    }

    @Test
    void shouldNameAndNamespaceEveryObject()
    {
        for (final Map<String, Object> doc : DOCS)
        {
            assertNotNull(doc.get("apiVersion"), doc.get("__file") + ": apiVersion");
            assertNotNull(doc.get("kind"), doc.get("__file") + ": kind");
            final Map<String, Object> meta = map(doc, "metadata");
            assertNotNull(meta.get("name"), doc.get("__file") + ": name");
            if (!"Namespace".equals(doc.get("kind")))
            {
                assertEquals("tickwire", meta.get("namespace"), doc.get("__file") + " " + meta.get("name"));
            }
        }
        assertEquals(1, ofKind("Fleet").size());
        assertEquals("agones.dev/v1", ofKind("Fleet").get(0).get("apiVersion"));
        final Map<String, Object> autoscaler = ofKind("FleetAutoscaler").get(0);
        assertEquals("autoscaling.agones.dev/v1", autoscaler.get("apiVersion"));
        assertEquals(map(ofKind("Fleet").get(0), "metadata").get("name"), map(autoscaler, "spec").get("fleetName"));
    }

    @Test
    void shouldGiveEveryContainerAnImageResourcesAndProbesOnDeclaredPorts()
    {
        for (final Map<String, Object> pod : podSpecs())
        {
            for (final Object c : list(pod, "containers"))
            {
                @SuppressWarnings("unchecked") final Map<String, Object> container = (Map<String, Object>)c;
                final String name = (String)container.get("name");
                assertNotNull(container.get("image"), name + ": image");
                final Map<String, Object> resources = map(container, "resources");
                assertNotNull(map(resources, "requests").get("cpu"), name + ": cpu request");
                assertNotNull(map(resources, "requests").get("memory"), name + ": memory request");
                assertNotNull(map(resources, "limits").get("memory"), name + ": memory limit");
                final Set<Object> ports = new HashSet<>();
                for (final Object p : list(container, "ports"))
                {
                    ports.add(map(p).get("name"));
                    ports.add(map(p).get("containerPort"));
                }
                for (final String probe : List.of("readinessProbe", "livenessProbe"))
                {
                    final Map<String, Object> spec = map(container, probe);
                    if (spec == null)
                    {
                        continue;
                    }
                    final Map<String, Object> target = spec.containsKey("httpGet") ? map(spec, "httpGet") :
                        spec.containsKey("tcpSocket") ? map(spec, "tcpSocket") : null;
                    if (target != null)
                    {
                        assertTrue(ports.contains(target.get("port")), name + " " + probe + " port " + target.get("port") +
                            " declared in " + ports);
                    }
                }
            }
        }
    }

    @Test
    void shouldUseTheDefaultPortsAndSelectRealPods()
    {
        final Map<String, Object> fleet = ofKind("Fleet").get(0);
        final Map<String, Object> gamePort = map(list(map(fleet, "spec", "template", "spec"), "ports").get(0));
        assertEquals(TransportSettings.DEFAULT_PORT, gamePort.get("containerPort"));
        final Map<String, Object> server = map(list(map(fleet, "spec", "template", "spec", "template", "spec"),
            "containers").get(0));
        assertEquals(AdminSettings.DEFAULT_PORT, map(list(server, "ports").get(0)).get("containerPort"));
        for (final Map<String, Object> service : ofKind("Service"))
        {
            final Map<String, Object> selector = map(service, "spec", "selector");
            final List<Map<String, Object>> selected = ofKind("Deployment").stream().filter(d ->
                map(d, "spec", "template", "metadata", "labels").entrySet().containsAll(selector.entrySet())).toList();
            assertEquals(1, selected.size(), "service " + map(service, "metadata").get("name") + " selects one deployment");
            final Set<Object> ports = new HashSet<>();
            for (final Object c : list(map(selected.get(0), "spec", "template", "spec"), "containers"))
            {
                list(map(c), "ports").forEach(p -> ports.add(map(p).get("name")));
            }
            for (final Object p : list(map(service, "spec"), "ports"))
            {
                assertTrue(ports.contains(map(p).get("targetPort")), "targetPort " + map(p).get("targetPort"));
            }
        }
        final Map<String, Object> matchmaker = ofKind("Deployment").stream()
            .filter(d -> "tickwire-matchmaker".equals(map(d, "metadata").get("name"))).findFirst().orElseThrow();
        final Map<String, Object> mmContainer = map(list(map(matchmaker, "spec", "template", "spec"), "containers").get(0));
        assertEquals(List.of("matchmaker"), mmContainer.get("args"));
        assertEquals(MatchmakerSettings.DEFAULT_PORT, map(list(mmContainer, "ports").get(0)).get("containerPort"));
        assertEquals(server.get("image"), mmContainer.get("image"), "one image runs servers and matchmakers");
    }

    @Test
    void shouldSetOnlyVariablesTheLauncherReadsAndSecretsThatExist() throws Exception
    {
        final Set<String> known = new HashSet<>(List.of("JAVA_TOOL_OPTIONS"));
        final Pattern env = Pattern.compile("\\$\\{env:(TICKWIRE_[A-Z_]+)");
        for (final Class<?> command : List.of(Main.class, MatchmakerCommand.class))
        {
            for (final Field field : command.getDeclaredFields())
            {
                final Option option = field.getAnnotation(Option.class);
                if (option != null)
                {
                    final Matcher m = env.matcher(option.defaultValue());
                    if (m.find())
                    {
                        known.add(m.group(1));
                    }
                }
            }
        }
        assertTrue(known.contains("TICKWIRE_REDIS_URL") && known.contains("TICKWIRE_MATCHMAKER_TOKEN"), known.toString());
        final Map<String, Object> secret = ofKind("Secret").get(0);
        final Set<String> secretKeys = map(secret, "stringData").keySet();
        final Set<String> used = new HashSet<>();
        for (final Map<String, Object> pod : podSpecs())
        {
            for (final Object c : list(pod, "containers"))
            {
                for (final Object e : list(map(c), "env"))
                {
                    final String name = (String)map(e).get("name");
                    used.add(name);
                    assertTrue(known.contains(name), "env " + name + " is read by the launcher: " + known);
                    final Map<String, Object> from = map(e, "valueFrom");
                    if (from != null && from.containsKey("secretKeyRef"))
                    {
                        assertEquals(map(secret, "metadata").get("name"), map(from, "secretKeyRef").get("name"));
                        assertTrue(secretKeys.contains((String)map(from, "secretKeyRef").get("key")),
                            "secret key " + map(from, "secretKeyRef").get("key"));
                    }
                }
            }
        }
        assertFalse(used.isEmpty());
    }

    @Test
    @Timeout(120)
    void shouldDecodeEveryManifestWithKubectlOffline() throws Exception
    {
        final Path kubectl = kubectl();
        if (kubectl == null)
        {
            assertFalse("1".equals(System.getenv("TICKWIRE_REQUIRE_KUBECTL")),
                "TICKWIRE_REQUIRE_KUBECTL=1 but no kubectl on the PATH");
            final String skipped = "DeployManifestsTest kubectl check skipped: no kubectl on the PATH";
            System.err.println(skipped);
            Assumptions.abort(skipped);
        }
        final Path work = Files.createTempDirectory("tickwire-kubectl");
        final List<Object> builtIn = new ArrayList<>();
        final List<String> expectedNames = new ArrayList<>();
        for (final Map<String, Object> doc : DOCS)
        {
            final Map<String, Object> object = new LinkedHashMap<>(doc);
            object.remove("__file");
            final String apiVersion = String.valueOf(object.get("apiVersion"));
            final String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            final String kind = String.valueOf(object.get("kind"));
            expectedNames.add((group.isEmpty() ? kind.toLowerCase() : kind.toLowerCase() + "." + group) + "/" +
                map(object, "metadata").get("name"));
            if (!group.contains("."))
            {
                builtIn.add(object);
            }
            if ("Fleet".equals(kind))
            {
                // A GameServer's pod template is a core PodTemplateSpec: decode it as a Deployment's.
                final Map<String, Object> holder = new LinkedHashMap<>();
                holder.put("apiVersion", "apps/v1");
                holder.put("kind", "Deployment");
                holder.put("metadata", Map.of("name", map(object, "metadata").get("name") + "-gameserver"));
                holder.put("spec", Map.of("template", map(object, "spec", "template", "spec", "template")));
                builtIn.add(holder);
            }
        }
        final Path typed = work.resolve("built-in.yaml");
        Files.writeString(typed, new Yaml().dumpAll(builtIn.iterator()));

        // Every document: parsed, kind and name present, as kubectl reads them (no cluster: --local).
        final String names = run(kubectl, work, "label", "--local", "-f", DEPLOY.toAbsolutePath().toString(),
            "-o", "name", "tickwire.io/validated=true");
        assertEquals(expectedNames.stream().sorted().toList(), names.lines().sorted().toList(), names);
        // Built-in kinds and the Fleet's pod template decode into the typed API objects.
        final String env = run(kubectl, work, "set", "env", "--local", "--list", "-f", typed.toString());
        assertTrue(env.contains("# Deployment tickwire-matchmaker") && env.contains("# Deployment tickwire-gameserver"),
            env);

        // The check fails on what it is for: a port given as a string.
        final Path broken = work.resolve("broken.yaml");
        Files.writeString(broken, Files.readString(typed).replaceFirst("containerPort: (\\d+)", "containerPort: 'x$1'"));
        final Process refused = new ProcessBuilder(kubectl.toString(), "set", "env", "--local", "--list", "-f",
            broken.toString()).redirectErrorStream(true).start();
        final String refusal = new String(refused.getInputStream().readAllBytes());
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS) && refused.exitValue() != 0 &&
            refusal.contains("containerPort"), refusal);
    }

    private static Path kubectl()
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            final Path candidate = Path.of(dir, "kubectl");
            if (!dir.isEmpty() && Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /** Runs kubectl with an empty kubeconfig, so nothing can reach a cluster; fails on a non-zero exit. */
    private static String run(final Path kubectl, final Path work, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(kubectl.toString());
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KUBECONFIG", work.resolve("no-kubeconfig").toString());
        final Process process = builder.start();
        final String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl " + command + " still running");
        assertEquals(0, process.exitValue(), command + ": " + output);
        return output;
    }
}
