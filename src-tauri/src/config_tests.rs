//! The Tauri hardening, checked: capabilities only grant reviewed
//! permissions, the CSP allows no remote or inline script, and neither
//! devtools nor a shell plugin is compiled in.

use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

#[test]
fn capabilities_grant_only_reviewed_permissions() {
    let capability = json(include_str!("../capabilities/default.json"));
    let allowed: Vec<&str> = include_str!("../capabilities/allowed-permissions.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let granted = capability["permissions"]
        .as_array()
        .expect("permissions list");
    assert!(!granted.is_empty());
    for permission in granted {
        let name = permission.as_str().expect("a permission is a plain name");
        assert!(
            allowed.contains(&name),
            "{name} is granted but not in allowed-permissions.txt"
        );
    }
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    assert!(
        capability.get("remote").is_none(),
        "no remote URL may use the IPC"
    );
}

#[test]
fn csp_allows_no_remote_or_inline_script() {
    let config = json(include_str!("../tauri.conf.json"));
    let csp = &config["app"]["security"]["csp"];
    assert!(csp.is_object(), "a CSP must be set");
    for (directive, value) in csp.as_object().into_iter().flatten() {
        let value = value.as_str().unwrap_or_default();
        assert!(!value.contains("unsafe-eval"), "{directive}: {value}");
        assert!(!value.contains('*'), "{directive}: wildcard in {value}");
        for source in value.split_whitespace() {
            let remote = source.starts_with("http")
                || source.starts_with("wss:")
                || source.starts_with("https");
            let local = source.ends_with(".localhost");
            assert!(!remote || local, "{directive}: remote source {source}");
        }
    }
    let script = csp["script-src"].as_str().unwrap_or_default();
    assert_eq!(script, "'self'", "scripts only from the app itself");
    assert_eq!(csp["default-src"], "'self'");
}

#[test]
fn no_devtools_and_no_shell_plugin() {
    let manifest = include_str!("../Cargo.toml");
    let workspace = include_str!("../../Cargo.toml");
    for text in [manifest, workspace] {
        assert!(
            !text.contains("devtools"),
            "devtools must not be compiled into release builds"
        );
        assert!(!text.contains("tauri-plugin-shell"), "no shell plugin");
    }
}

#[test]
fn webkit_rendering_defaults_leave_what_the_person_set() {
    let all = crate::webkit_env_defaults(|_| false);
    assert_eq!(
        all,
        [
            ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
            ("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1")
        ]
    );
    // Someone who wants GPU painting back sets the variable (to 0) themself.
    let kept = crate::webkit_env_defaults(|name| name == "WEBKIT_SKIA_ENABLE_CPU_RENDERING");
    assert_eq!(kept, [("WEBKIT_DISABLE_DMABUF_RENDERER", "1")]);
}
