package dev.sbx.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * git+ssh:// kit references against a real SSH server on 127.0.0.1 (Apache MINA sshd, in
 * process) that serves a real bare repository with JGit's upload-pack, public-key auth only.
 */
class GitSshIT {
  @TempDir Path tmp;

  private SshServer server;
  private Repository bare;
  private SshSessionFactory previous;
  private SshdSessionFactory factory;

  @BeforeEach
  void start() throws Exception {
    Path work = tmp.resolve("work");
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Path kit = Files.createDirectories(work.resolve("kits/ssh-kit"));
      Files.writeString(kit.resolve("spec.yaml"), "schemaVersion: \"2\"\nkind: mixin\n"
          + "name: ssh-kit\npermissions:\n  network:\n    allow: [api.example.com]\n");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("kit").setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com").setSign(false).call();
    }
    Path barePath = tmp.resolve("kits.git");
    Git.cloneRepository().setURI(work.toUri().toString()).setDirectory(barePath.toFile())
        .setBare(true).call().close();
    bare = Git.open(barePath.toFile()).getRepository();

    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair client = generator.generateKeyPair();
    Path sshDir = Files.createDirectories(tmp.resolve("home/.ssh"));
    try (OutputStream out = Files.newOutputStream(sshDir.resolve("id_rsa"))) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(client, "test", null, out);
    }
    PublicKey allowed = client.getPublic();

    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(tmp.resolve("hostkey.ser")));
    server.setPublickeyAuthenticator((user, key, session) ->
        "git".equals(user) && KeyUtils.compareKeys(allowed, key));
    server.setPasswordAuthenticator((user, password, session) -> false);
    server.setCommandFactory((channel, command) -> new UploadPackCommand(bare, command));
    server.start();

    Files.writeString(sshDir.resolve("config"), "Host 127.0.0.1\n"
        + "  User git\n"
        + "  Port " + server.getPort() + "\n"
        + "  IdentityFile " + sshDir.resolve("id_rsa") + "\n"
        + "  StrictHostKeyChecking no\n"
        + "  UserKnownHostsFile " + sshDir.resolve("known_hosts") + "\n");
    factory = new SshdSessionFactoryBuilder()
        .setHomeDirectory(tmp.resolve("home").toFile())
        .setSshDirectory(sshDir.toFile())
        .build(null);
    previous = SshSessionFactory.getInstance();
    SshSessionFactory.setInstance(factory);
  }

  @AfterEach
  void stop() throws IOException {
    SshSessionFactory.setInstance(previous);
    factory.close();
    server.stop(true);
    bare.close();
  }

  @Test
  void aKitIsFetchedOverSshAndCachedByCommit() {
    String ref = "git+ssh://git@127.0.0.1:" + server.getPort() + "/kits.git#ref=main&dir=kits/ssh-kit";
    KitSources sources = new KitSources(tmp.resolve("cache"));
    ResolvedKit resolved = sources.resolve(ref);
    assertEquals("ssh-kit", KitLoader.defaults().load(resolved).kit().name());
    assertEquals(40, resolved.revision().length());
    assertTrue(resolved.path().toString().contains(resolved.revision()));
  }

  @Test
  void aRefusedKeyIsAUserErrorNotACrash() throws IOException {
    Files.delete(tmp.resolve("home/.ssh/id_rsa"));
    String ref = "git+ssh://git@127.0.0.1:" + server.getPort() + "/kits.git#ref=main";
    ManifestException e = assertThrows(ManifestException.class,
        () -> new KitSources(tmp.resolve("cache")).resolve(ref));
    assertTrue(e.getMessage().contains("cannot reach the git repository"), e.getMessage());
  }

  /** Runs JGit's upload-pack for {@code git-upload-pack '<path>'} on the served repository. */
  private static final class UploadPackCommand implements Command {
    private final Repository repository;
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    UploadPackCommand(Repository repository, String command) {
      this.repository = repository;
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      Thread t = new Thread(() -> {
        if (!command.startsWith("git-upload-pack")) {
          exit.onExit(127, "only git-upload-pack is served");
          return;
        }
        try {
          new UploadPack(repository).upload(in, out, err);
          out.flush();
          exit.onExit(0);
        } catch (IOException e) {
          exit.onExit(1, e.toString());
        }
      }, "upload-pack");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
