# Provision plugin "default": for a provision method without a plugin of its own. It
# downloads nothing and says so, so the installer goes on at once to the fallback method
# (http by default).

#@ segment fetch
echo "Luna: this provision method has no plugin (add Plugins/boot/provision/<method>.sh); trying the fallback"
return 1
